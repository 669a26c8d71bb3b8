import { z } from "zod";
import { DURATION_PATTERN, durationRangeProblem } from "../flux/duration";
import { installOptionsShape } from "./flux-install-schema";
import { describeFluxReleases, knownFluxRelease } from "./flux-releases";
import { refNameProblem } from "./git-ref";
import { semverRangeProblem } from "./semver-range";
import { DELETION_POLICIES } from "../flux/layers";

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

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

const pattern = (re: RegExp, expected: string, max?: number) => {
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

export const duration = checked(EXPECT.duration, (v) =>
    DURATION_PATTERN.test(v) ? durationRangeProblem(v) : "",
);
export const dnsLabel = pattern(DNS_LABEL, EXPECT.label, 63);
export const dnsSubdomain = pattern(DNS_SUBDOMAIN, EXPECT.subdomain, 253);
const bool = z.boolean({ error: EXPECT.boolean });
const obj = <T extends z.core.$ZodLooseShape>(shape: T) =>
    z.strictObject(shape, { error: EXPECT.object });

/** A path inside the Git source: relative, no parent segments. */
export const repoPath = z
    .string({ error: EXPECT.path })
    .min(1, { error: EXPECT.path })
    .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), { error: EXPECT.path });

export const fluxSchema = obj({
    version: z
        .string({ error: EXPECT.fluxVersion })
        .refine((v) => knownFluxRelease(v) !== undefined, { error: EXPECT.fluxVersion })
        .transform((v) => knownFluxRelease(v) as string)
        .optional(),
    namespace: dnsLabel.optional(),
    keepOnDestroy: bool.optional(),
    manifest: z
        .string({ error: EXPECT.manifest })
        .min(1, { error: EXPECT.manifest })
        .refine((m) => !/^[a-z]+:\/\//i.test(m) || m.startsWith("https://"), {
            error: EXPECT.manifest,
        })
        .optional(),
    ...installOptionsShape,
});

export const gitRefSchema = obj({
    branch: checked(EXPECT.branch, (v) => refNameProblem(v, "branch")).optional(),
    tag: checked(EXPECT.tag, (v) => refNameProblem(v, "tag")).optional(),
    semver: checked(EXPECT.semver, semverRangeProblem).optional(),
    commit: pattern(/^([0-9a-f]{40}|[0-9a-f]{64})$/, EXPECT.commit).optional(),
    name: checked(EXPECT.refName, (v) => refNameProblem(v, "name")).optional(),
}).refine((r) => Object.values(r).filter((v) => v !== undefined).length === 1, {
    error: EXPECT.gitRef,
});

export const gitSchema = obj({
    url: z.string({ error: EXPECT.gitUrl }).optional(),
    ref: gitRefSchema.optional(),
    interval: duration.optional(),
    auth: z.enum(["ssh", "basic", "bearer", "none"], { error: EXPECT.gitAuth }).optional(),
    provider: z.enum(["generic", "github"], { error: EXPECT.gitProvider }).optional(),
    repositoryName: dnsSubdomain.optional(),
    secretName: dnsSubdomain.optional(),
});

export const sopsSchema = obj({
    secretName: dnsSubdomain.optional(),
});

export const readinessSchema = obj({
    enabled: bool.optional(),
    timeout: duration.optional(),
});

export const healthCheckSchema = obj({
    apiVersion: pattern(
        /^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/,
        EXPECT.apiVersion,
    ).optional(),
    kind: pattern(/^[A-Z][A-Za-z0-9]*$/, EXPECT.kind).optional(),
    name: dnsSubdomain,
    namespace: dnsLabel,
});

/** A stack's settings for one layer; every field optional, merged over the seed's defaults. */
export const layerSchema = obj({
    enabled: bool.optional(),
    path: repoPath.optional(),
    interval: duration.optional(),
    prune: bool.optional(),
    dependsOn: z.array(dnsLabel, { error: EXPECT.stringList }).optional(),
    healthChecks: z
        .array(healthCheckSchema, { error: "a list of {apiVersion, kind, name, namespace}" })
        .optional(),
    timeout: duration.optional(),
    retryInterval: duration.optional(),
    wait: bool.optional(),
    deletionPolicy: z.enum(DELETION_POLICIES, { error: EXPECT.deletionPolicy }).optional(),
    suspend: bool.optional(),
    targetNamespace: dnsLabel.optional(),
    substitute: z
        .record(
            z.string().regex(VAR_NAME, { error: EXPECT.substitute }),
            z.string({ error: EXPECT.substitute }),
            {
                error: EXPECT.substitute,
            },
        )
        .optional(),
    readinessTimeout: duration.optional(),
});

export const layersSchema = z.record(dnsLabel, layerSchema, { error: EXPECT.layers });

export type FluxInput = z.output<typeof fluxSchema>;
export type GitInput = z.output<typeof gitSchema>;
export type LayerInput = z.output<typeof layerSchema>;
