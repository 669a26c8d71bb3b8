import { evaluateProgram, Program, ProgramRun, Reported } from "../../cli/evaluate";
import { LiveCrd } from "../../flux/install";

export {
    isSecretMarked,
    ProgramRun,
    promiseOf,
    recordedTransforms,
    Registered,
} from "../../cli/evaluate";

/**
 * Runs the program (index.ts) under Pulumi mocks with the given config and
 * records every resource registration, its inputs and its dependencies.
 *
 * `config` keys are full keys (`flux-gitops:git`); objects are passed as JSON
 * like the language host does; `secretKeys` are the keys set with --secret.
 */
export async function runProgram(
    config: Record<string, unknown>,
    secretKeys: string[] = [],
    opts: { stack?: string; preview?: boolean; liveCrds?: LiveCrd[]; reported?: Reported } = {},
): Promise<ProgramRun> {
    const run = await execute(config, secretKeys, opts);
    if (run.error !== undefined) throw run.error;
    return run;
}

/** Runs the program expecting it to fail; returns the error and whatever was registered anyway. */
export async function runFailingProgram(
    config: Record<string, unknown>,
    secretKeys: string[] = [],
    opts: { stack?: string; liveCrds?: LiveCrd[] } = {},
): Promise<ProgramRun & { error: unknown }> {
    const run = await execute(config, secretKeys, opts);
    if (run.error === undefined) throw new Error("the program succeeded; a failure was expected");
    return { ...run, error: run.error };
}

async function execute(
    config: Record<string, unknown>,
    secretKeys: string[],
    opts: { stack?: string; preview?: boolean; liveCrds?: LiveCrd[]; reported?: Reported },
): Promise<ProgramRun & { error?: unknown }> {
    // The SDK records a stack trace for every promise it creates, which the test run's source maps
    // make the costliest part of a program run; its errors are asserted by type and message.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await evaluateProgram(() => require("../../index") as Program, config, secretKeys, {
            project: "flux-gitops",
            stack: opts.stack ?? "test",
            preview: opts.preview,
            liveCrds: opts.liveCrds,
            reported: opts.reported,
        });
    } finally {
        Error.stackTraceLimit = limit;
    }
}
