import { z } from "zod";
import { DURATION_PATTERN, durationRangeProblem } from "../flux/duration";
import { describeFluxReleases } from "./flux-releases";
import { DELETION_POLICIES } from "../flux/layers";

/**
 * The vocabulary the section schemas (`*-schema.ts`) are written in: the kinds
 * of value a field can hold, each with the text its error messages give as the
 * expected form, and `field()`, which attaches a field's documentation to its
 * schema so that docs/configuration.md is generated from the declaration.
 */

/** What each kind of value must look like; these texts end up in error messages. */
export const EXPECT = {
    duration: `a Flux duration such as 10m0s, 90s or 1h30m (pattern ${DURATION_PATTERN.source})`,
    label: "a DNS-1123 label: at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit",
    subdomain:
        "a DNS-1123 subdomain: at most 253 characters of a-z, 0-9, '-' and '.', starting and ending with a letter or digit",
    path: "a path relative to the repository root such as ./gitops/infrastructure (no '..', not absolute)",
    boolean: "true or false",
    fluxVersion: `a Flux release this program knows (${describeFluxReleases()})`,
    manifest: "an https:// URL or a local file path of a Flux install manifest",
    gitUrl: "an ssh://, https:// or http:// URL such as ssh://git@github.com/org/repo.git",
    gitRef: "exactly one of branch, tag, semver, commit or name, e.g. {branch: main}",
    branch: "a Git branch name such as main or release/1.x",
    tag: "a Git tag name such as v1.2.3",
    refName: "a full Git reference such as refs/heads/main or refs/pull/1/head",
    semver: "a semver range in Flux's syntax (Masterminds/semver) such as >=1.0.0 <2.0.0, ~1.2 or 1.x",
    commit: "a full commit SHA (40 or 64 hex characters)",
    gitAuth: "one of ssh, basic, bearer or none",
    gitProvider: "generic or github (GitHub App authentication)",
    apiVersion: "an apiVersion such as helm.toolkit.fluxcd.io/v2 or v1",
    kind: "a Kubernetes kind such as HelmRelease",
    deletionPolicy: `one of ${DELETION_POLICIES.join(", ")}`,
    substitute: "a map of variable names ([_a-zA-Z][_a-zA-Z0-9]*) to strings",
    stringList: "a list of layer names",
    object: "an object (set it with --path, or as a YAML map in the stack file)",
    layers: "a map of layer name to layer settings",
} as const;

/**
 * A field's entry in the config reference. The Default column comes from the
 * schema's `.default()`; `default` is for what no schema default can say (a
 * default derived from another field, or Flux's own when the field is unset).
 */
export type FieldDoc = {
    /** The Description column. */
    description: string;
    /** The Type column, when the kind of value (`duration`, `boolean`, …) does not say enough. */
    type?: string;
    /** Markdown after "Example: ". */
    example?: string;
    /** The Default column, when the schema has no `.default()` or says it better in words. */
    default?: string;
    /** For a map of names: how the reference writes an entry's key, e.g. `<controller>`. */
    entry?: string;
};

/** `schema` with its documentation: the one place a field is declared. */
export const field = <T extends z.ZodType>(schema: T, doc: FieldDoc): T => schema.meta(doc);

/** A kind of value, named for the Type column of the fields of that kind. */
const kind = <T extends z.ZodType>(schema: T, type: string): T => schema.meta({ type });

/** The documentation of a field or kind declared with `field()` or `kind()`. */
export const docOf = (schema: z.ZodType): Partial<FieldDoc> | undefined =>
    z.globalRegistry.get(schema) as Partial<FieldDoc> | undefined;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A string matching `re` (and at most `max` long); every failure says `expected`. */
export const pattern = (re: RegExp, expected: string, max?: number) => {
    let s = z.string({ error: expected }).regex(re, { error: expected });
    if (max !== undefined) {
        s = s.max(max, { error: expected });
    }
    return s;
};

/**
 * A string that passes `check`, which returns why not ("" when the expected
 * form says it all); the reason follows the expected form.
 */
export const checked = (expected: string, check: (v: string) => string | undefined) =>
    z.string({ error: expected }).superRefine((v, ctx) => {
        const why = check(v);
        if (why === undefined) return;
        ctx.addIssue({ code: "custom", message: why === "" ? expected : `${expected}; ${why}` });
    });

export const duration = kind(
    checked(EXPECT.duration, (v) => (DURATION_PATTERN.test(v) ? durationRangeProblem(v) : "")),
    "duration",
);
export const dnsLabel = kind(pattern(DNS_LABEL, EXPECT.label, 63), "DNS-1123 label");
export const dnsSubdomain = kind(
    pattern(DNS_SUBDOMAIN, EXPECT.subdomain, 253),
    "DNS-1123 subdomain",
);
export const bool = kind(z.boolean({ error: EXPECT.boolean }), "boolean");

/** A section or nested map: unknown keys are problems of their own. */
export const obj = <T extends z.core.$ZodLooseShape>(shape: T) =>
    z.strictObject(shape, { error: EXPECT.object });

/** A path inside the Git source: relative, no parent segments. */
export const repoPath = kind(
    z
        .string({ error: EXPECT.path })
        .min(1, { error: EXPECT.path })
        .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), { error: EXPECT.path }),
    "path relative to the repository root, no `..`",
);

/** Compile-time check that a schema's output fits the model type it feeds (a no-op at run time). */
export function fits<_Output extends Model, Model>(): void {}
