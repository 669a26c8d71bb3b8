/**
 * npm run takeover -- --stack <name> [--yes] [--resume] [--leave-unreconciled] [--cwd <project dir>]
 *     [--context <kube context>] [--timeout-seconds <n>]
 *
 * Takes a cluster bootstrapped with `flux bootstrap` over for a stack, without losing anything.
 * Without --yes it only reads the cluster and prints what it found and what would happen (or
 * why it will not). With --yes it neutralises the bootstrap's root Kustomization, releases the
 * adopted objects and lists them in `flux-gitops:takeover`; the next `pulumi up` imports them.
 * Objects only the root applied, that no layer of the stack will apply, are refused unless
 * --leave-unreconciled accepts leaving them unreconciled.
 *
 * Exit codes: 0 done (or plan shown), 2 refused, bad config or a usage mistake, 1 failed while
 * changing things.
 */
import * as path from "path";
import { parseFlags, UsageError } from "./args";
import { desiredState } from "./takeover/desired";
import { describeRef, kubectlClient } from "./takeover/kube";
import { neutralise } from "./takeover/neutralise";
import { planTakeover } from "./takeover/plan";
import { readStackConfig, StackRef, writeAdoptList } from "./takeover/pulumi-stack";
import { formatPlan } from "./takeover/report";
import { buildInstall } from "../prepare/install";
import { ConfigProblem, formatProblem, parseStackConfig } from "../stacks";
import { PROJECT } from "../stacks/defaults";

const USAGE =
    "usage: npm run takeover -- --stack <name> [--yes] [--resume] [--leave-unreconciled] [--cwd <dir>] [--context <ctx>] [--timeout-seconds <n>]";

/** The takeover's command line, read. */
interface TakeoverArgs extends StackRef {
    yes: boolean;
    resume: boolean;
    /** Accept objects only the root applied that nothing reconciles after the takeover. */
    leaveUnreconciled: boolean;
    context?: string;
    /** How long --yes waits for kustomize-controller to let go of the deleted root. */
    timeoutMs: number;
}

/** Reads the command line; a mistake is a UsageError (exit code 2, with the usage). */
export function takeoverArgs(argv: string[]): TakeoverArgs {
    const flags = parseFlags(argv, {
        stack: { type: "string" },
        yes: { type: "boolean", default: false },
        resume: { type: "boolean", default: false },
        "leave-unreconciled": { type: "boolean", default: false },
        cwd: { type: "string" },
        context: { type: "string" },
        "timeout-seconds": { type: "string", default: "120" },
    });
    if (flags.stack === undefined) throw new UsageError("--stack <name> is required");
    const timeout = flags["timeout-seconds"];
    if (!/^\d+(\.\d+)?$/.test(timeout)) {
        throw new UsageError(
            `--timeout-seconds ${JSON.stringify(timeout)}: expected a number of seconds, such as 300`,
        );
    }
    return {
        stack: flags.stack,
        yes: flags.yes,
        resume: flags.resume,
        leaveUnreconciled: flags["leave-unreconciled"],
        // npm runs scripts in the project root: the default, and what a relative --cwd is
        // resolved against (not where npm was started, unlike render's --out).
        cwd: path.resolve(flags.cwd ?? "."),
        context: flags.context,
        timeoutMs: Number(timeout) * 1000,
    };
}

/** Prints the stack's config problems; the exit code of a refusal. */
function invalid(stack: string, problems: ConfigProblem[]): number {
    console.error(`Invalid configuration for stack "${stack}":`);
    for (const p of problems) console.error(`  - ${formatProblem(p)}`);
    return 2;
}

/** Plans and, with --yes, carries the takeover out; the exit code. */
async function takeOver(a: TakeoverArgs): Promise<number> {
    const parsed = await parseStackConfig(readStackConfig(a), { baseDir: a.cwd });
    if (!parsed.ok) return invalid(a.stack, parsed.problems);
    const install = await buildInstall(parsed.config.flux, { baseDir: a.cwd });
    if (install.objects === undefined) return invalid(a.stack, install.problems);
    const kube = kubectlClient(a.context);
    const want = desiredState(parsed.config, install.objects);
    const plan = planTakeover(kube, want, {
        resume: a.resume,
        leaveUnreconciled: a.leaveUnreconciled,
    });
    console.log(formatPlan(a.stack, plan));
    if (plan.refusals.length > 0) return 2;
    if (!a.yes) {
        console.log(
            "Nothing was changed. Run again with --yes to neutralise the root and release the objects.",
        );
        return 0;
    }
    await neutralise(kube, plan, { timeoutMs: a.timeoutMs, log: (l) => console.log(l) });
    writeAdoptList(a, plan.adopted.map(describeRef));
    console.log(
        `Listed the ${plan.adopted.length} objects to adopt in ${PROJECT}:takeover. Next: ` +
            `\`pulumi preview --stack ${a.stack}\` (each of them shows as "import", none as "create"), then ` +
            `\`pulumi up --stack ${a.stack}\`; then \`pulumi config rm ${PROJECT}:takeover --stack ${a.stack}\` and ` +
            "`pulumi up` once more, which only takes the pulumi.com/patchFieldManager annotation off the adopted objects.",
    );
    return 0;
}

async function main(argv: string[]): Promise<number> {
    const args = takeoverArgs(argv);
    try {
        return await takeOver(args);
    } catch (e) {
        // kubectl and pulumi errors carry their stderr; neither prints secret values.
        const err = e as { message?: string; stderr?: string };
        console.error(`takeover failed: ${err.stderr?.trim() || err.message || String(e)}`);
        console.error(
            'What was done so far is safe to keep; see docs/takeover.md, "If a step fails halfway".',
        );
        return 1;
    }
}

/** What cli/main.ts starts. */
export const command = { usage: USAGE, main };
