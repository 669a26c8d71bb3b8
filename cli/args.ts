import * as path from "path";
import { parseArgs, ParseArgsConfig } from "util";

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** Parses flags with Node's own parser; unknown flags and missing values are usage errors. */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(
    argv: string[],
    options: O,
) {
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
}

/** Paths on the command line are relative to where the user ran npm, not the project root. */
export function userPath(p: string): string {
    return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/**
 * Runs a command's main and turns failures into messages and exit codes,
 * never a stack trace: 2 for usage, 1 for anything else.
 */
export function runMain(usage: string, main: () => Promise<number>): void {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            const message = e instanceof Error ? e.message : String(e);
            if (e instanceof UsageError) {
                process.stderr.write(`error: ${message}\n${usage}\n`);
                process.exitCode = 2;
            } else {
                process.stderr.write(`error: ${message}\n`);
                process.exitCode = 1;
            }
        },
    );
}
