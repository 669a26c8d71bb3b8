import * as pulumi from "@pulumi/pulumi";

/** One thing wrong with the stack configuration. */
export interface ConfigProblem {
    /** Full config key in `pulumi config --path` form, e.g. `flux-gitops:layers.apps.interval`. */
    key: string;
    /** How the bad value is shown: JSON of the value, `(not set)`, or `[secret]` — never a secret's text. */
    value: string;
    /** What would have been accepted. */
    expected: string;
}

/** A setting that is accepted but probably not meant; `pulumi up` shows it as a warning. */
export interface ConfigWarning {
    key: string;
    /** Shown under the same rules as a problem's value. */
    value: string;
    /** What will happen, and what to set instead if that is not what is wanted. */
    reason: string;
}

export function formatWarning(w: ConfigWarning): string {
    return `\`${w.key}\` is ${w.value}: ${w.reason}`;
}

/** Shows a problem as one line: key, value, expected form. */
export function formatProblem(p: ConfigProblem): string {
    return `\`${p.key}\` is ${p.value}: expected ${p.expected}`;
}

/**
 * All configuration problems of a stack, reported together.
 *
 * A `RunError` so that Pulumi prints the message alone, without a stack trace:
 * the user has a config file to fix, not a program to debug.
 */
export class ConfigError extends pulumi.RunError {
    public readonly problems: ConfigProblem[];

    constructor(stack: string, problems: ConfigProblem[]) {
        const n = problems.length;
        super(
            [
                `Invalid configuration for stack "${stack}" (${n} problem${n === 1 ? "" : "s"}):`,
                ...problems.map((p) => `  - ${formatProblem(p)}`),
                "Fix them with `pulumi config set --path <key> <value>`; " +
                    "secrets with `pulumi config set --secret <key>`. Nothing was deployed.",
            ].join("\n"),
        );
        this.name = "ConfigError";
        this.problems = problems;
    }
}
