import { z } from "zod";
import { PROJECT } from "./defaults";
import { ConfigProblem } from "./errors";
import { RawConfig } from "./raw";

/**
 * Collects the problems of one stack's config, so every section can report all
 * of its problems and the user gets them in one error.
 */
export class Problems {
    private readonly found: ConfigProblem[] = [];

    constructor(private readonly raw: RawConfig) {}

    /** A bad value at `name` + `path`; the value of a key stored as a secret is never shown. */
    add(name: string, path: PropertyKey[], value: unknown, expected: string): void {
        const shown = this.raw[name]?.secret === true ? "[secret]" : showValue(value);
        this.found.push({ key: configKey([name, ...path]), value: shown, expected });
    }

    /** A problem whose value is described rather than shown (secrets, credentials). */
    addDescribed(name: string, path: PropertyKey[], described: string, expected: string): void {
        this.found.push({ key: configKey([name, ...path]), value: described, expected });
    }

    /** Every issue of a failed zod parse of the value of `name` (the value is `root`). */
    addZodIssues(name: string, error: z.ZodError, root: unknown, prefix: PropertyKey[] = []): void {
        for (const issue of error.issues) {
            for (const p of issuePaths(issue)) {
                this.add(name, [...prefix, ...p], issueValue(issue, root, p), issueExpected(issue));
            }
        }
    }

    get count(): number {
        return this.found.length;
    }

    /** In key order, so related problems stand together and the output is stable. */
    sorted(): ConfigProblem[] {
        return [...this.found].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
}

/** `flux-gitops:layers.apps.healthChecks[0].name` for a path. */
export function configKey(p: PropertyKey[]): string {
    let k = `${PROJECT}:`;
    for (const [i, s] of p.entries()) {
        k += typeof s === "number" ? `[${s}]` : `${i === 0 ? "" : "."}${String(s)}`;
    }
    return k;
}

function showValue(v: unknown): string {
    return v === undefined ? "(not set)" : JSON.stringify(v);
}

function valueAt(root: unknown, p: PropertyKey[]): unknown {
    let v: unknown = root;
    for (const s of p) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[s as string];
    }
    return v;
}

/** The paths an issue is about: unknown keys are reported one by one, at their own path. */
function issuePaths(issue: z.core.$ZodIssue): PropertyKey[][] {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => [...issue.path, k]);
    }
    return [issue.path];
}

/** The bad value: for a bad map key, the key itself. */
function issueValue(issue: z.core.$ZodIssue, root: unknown, p: PropertyKey[]): unknown {
    return issue.code === "invalid_key" ? p[p.length - 1] : valueAt(root, p);
}

function issueExpected(issue: z.core.$ZodIssue): string {
    if (issue.code === "unrecognized_keys") {
        return "no such key; check the spelling against the config reference in README.md";
    }
    return issue.message;
}
