import { z } from "zod";
import { SECTION_SCHEMAS } from "./config-schema";
import { PROJECT } from "./defaults";
import { ConfigProblem, ConfigWarning } from "./errors";
import { RawConfig } from "./raw";
import { redactUrl } from "./redact";
import { isConfidentialKey, isProviderSecretKey, SECRET_KEYS } from "./secret-keys";

/**
 * Collects the problems of one stack's config, so every section can report all
 * of its problems and the user gets them in one error.
 */
export class Problems {
    private readonly found: ConfigProblem[] = [];
    private readonly warned: ConfigWarning[] = [];

    constructor(private readonly raw: RawConfig) {}

    /** A bad value at `name` + `path`, shown as {@link show} allows. */
    add(name: string, path: readonly PropertyKey[], value: unknown, expected: string): void {
        this.push({
            key: configKey([name, ...path]),
            value: this.show(name, path, value),
            expected,
        });
    }

    /**
     * How a value may appear in a message. Whatever check failed, no part that
     * can hold a credential is shown: values of keys stored as secrets, of
     * confidential keys even when stored in plain text, of unknown keys (often a
     * misspelt secret key), and the user-info and query of URLs.
     */
    show(name: string, path: readonly PropertyKey[], value: unknown): string {
        if (this.raw[name]?.secret === true) return "[secret]";
        if (value === undefined) return "(not set)";
        if (isConfidentialKey(name)) return "[not shown]";
        if (!KNOWN_KEYS.has(name) && !isProviderSecretKey(name)) return "[not shown]";
        if (mayBeCredentialField(name, path)) return "[not shown]";
        if (typeof value === "string" && URL_FIELDS.has([name, ...path].join("."))) {
            return JSON.stringify(redactUrl(value));
        }
        return shorten(value);
    }

    /** A value that is accepted, with the reason it may not do what the user means. */
    warn(name: string, path: readonly PropertyKey[], value: unknown, reason: string): void {
        this.warned.push({
            key: configKey([name, ...path]),
            value: this.show(name, path, value),
            reason,
        });
    }

    get warnings(): ConfigWarning[] {
        return [...this.warned].sort(byKey);
    }

    /** A problem whose value is described rather than shown (secrets, credentials). */
    addDescribed(
        name: string,
        path: readonly PropertyKey[],
        described: string,
        expected: string,
    ): void {
        this.push({ key: configKey([name, ...path]), value: described, expected });
    }

    /** Every issue of a failed zod parse of the value of `name` (the value is `root`). */
    addZodIssues(name: string, error: z.ZodError, root: unknown, prefix: PropertyKey[] = []): void {
        for (const issue of error.issues) {
            for (const p of issuePaths(issue)) {
                const value = issueValue(issue, root, p);
                this.add(
                    name,
                    [...prefix, ...p],
                    value,
                    issueExpected(issue) + typeHint(issue, value),
                );
            }
        }
    }

    /** Each problem once, however many checks found it. */
    private push(p: ConfigProblem): void {
        if (!this.found.some((f) => f.key === p.key && f.expected === p.expected))
            this.found.push(p);
    }

    get count(): number {
        return this.found.length;
    }

    /** In key order, so related problems stand together and the output is stable. */
    sorted(): ConfigProblem[] {
        return [...this.found].sort(byKey);
    }
}

const byKey = (a: { key: string }, b: { key: string }) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/** Every structured key the program reads. */
export const SECTION_KEYS = Object.keys(SECTION_SCHEMAS) as (keyof typeof SECTION_SCHEMAS)[];
const KNOWN_KEYS = new Set<string>([...SECTION_KEYS, ...Object.keys(SECRET_KEYS), "takeover"]);

/**
 * The fields of the notification keys whose values a message may show. Any
 * other value there may be a credential (a token or webhook URL written into
 * the stack file, under whatever name, or in place of a whole entry), so it is
 * refused without being shown.
 */
const SHOWN_NOTIFICATION_FIELDS = new Set([
    "type",
    "channel",
    "secretName",
    "provider",
    "layers",
    "source",
    "eventSeverity",
    "exclusionList",
    "name",
    "events",
]);
const CREDENTIAL_SECTIONS = new Set(["notifications", "receiver"]);

function mayBeCredentialField(name: string, path: readonly PropertyKey[]): boolean {
    if (!CREDENTIAL_SECTIONS.has(name)) return false;
    const field = [...path].reverse().find((s) => typeof s === "string");
    return field === undefined || !SHOWN_NOTIFICATION_FIELDS.has(field);
}

/** Fields that hold URLs, whose user-info and query may carry credentials. */
const URL_FIELDS = new Set(["git.url", "oci.url", "flux.manifest"]);

/** `flux-gitops:layers.apps.healthChecks[0].name` for a path. */
export function configKey(p: PropertyKey[]): string {
    let k = `${PROJECT}:`;
    for (const [i, s] of p.entries()) {
        k += typeof s === "number" ? `[${s}]` : `${i === 0 ? "" : "."}${String(s)}`;
    }
    return k;
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
        return "no such key; check the spelling against the config reference in docs/configuration.md";
    }
    return issue.message;
}

/**
 * The usual cause of a value of the wrong type: `pulumi config set --path`
 * stores digits as a number and true/false as booleans, and YAML quotes make a
 * boolean a string.
 */
function typeHint(issue: z.core.$ZodIssue, value: unknown): string {
    if (issue.code !== "invalid_type") return "";
    const asString =
        "add `--type string` to `pulumi config set --path`, or quote it in the stack file";
    if (issue.expected === "string" && typeof value === "number") {
        return `; it is the number ${value} (--path stores digits as a number): ${asString}`;
    }
    if (issue.expected === "string" && typeof value === "boolean") {
        return `; it is the boolean ${value} (--path stores true and false as booleans): ${asString}`;
    }
    if (issue.expected === "boolean" && (value === "true" || value === "false")) {
        return `; it is the text "${value}": write it without quotes in the stack file, or set it with \`pulumi config set --path\``;
    }
    return "";
}

/** Longer values are cut: a message names the value, it does not reproduce a document. */
const MAX_SHOWN = 120;

function shorten(value: unknown): string {
    let text: string | undefined;
    try {
        text = JSON.stringify(value);
    } catch {
        // Nested deeper than JSON.stringify can go.
        return "[a deeply nested value]";
    }
    if (text === undefined) return String(value);
    return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
