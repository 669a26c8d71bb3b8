import * as semver from "semver";

/*
 * Flux's GitRepository `ref.semver` is parsed by Masterminds/semver v3
 * (`semver.NewConstraint`). Its grammar, written out here: OR-groups split at
 * `||`; in a group, constraints joined by commas or blanks; a constraint is an
 * optional operator (= != > < >= => <= =< ~ ~> ^) and a version whose parts
 * may be x, X or *; `A - B` is a range. Each version is then checked with
 * node-semver, which shares Masterminds' version and wildcard rules.
 */
const CV =
    String.raw`v?([0-9|xX*]+)(\.[0-9|xX*]+)?(\.[0-9|xX*]+)?` +
    String.raw`(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const GROUP = new RegExp(
    String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`,
);
const RANGE = new RegExp(String.raw`\s*(?<from>${CV})\s+-\s+(?<to>${CV})\s*`, "g");
const ONE = new RegExp(String.raw`(${OPS})\s*(${CV})`, "g");

/** Masterminds operators node-semver spells differently (`!=` only needs its version checked). */
const NODE_OP: Record<string, string> = { "=>": ">=", "=<": "<=", "~>": "~", "!=": "" };

/** Longer constraints are not written by hand; the bound keeps the regular expressions fast. */
const MAX_LENGTH = 256;

/** Why Flux would reject `range` as `ref.semver`, or undefined when it accepts it. */
export function semverRangeProblem(range: string): string | undefined {
    if (range.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
    const rewritten = range.replace(RANGE, (...args: unknown[]) => {
        const { from, to } = args[args.length - 1] as { from: string; to: string };
        return ` >= ${from}, <= ${to} `;
    });
    for (const group of rewritten.split("||")) {
        if (!GROUP.test(group)) return `\`${group.trim()}\` is not a constraint`;
        for (const [, op, version] of group.matchAll(ONE)) {
            // Masterminds' lenient parser reads 01.2.3 as 1.2.3; node-semver does not.
            const core = /^[^-+]*/.exec(version)![0];
            const lenient = core.replace(/(^v?|\.)0+(?=\d)/g, "$1") + version.slice(core.length);
            const comparator = `${NODE_OP[op] ?? op}${lenient}`;
            if (semver.validRange(comparator) === null) {
                return `\`${op}${version}\` has no valid version`;
            }
        }
    }
    return undefined;
}
