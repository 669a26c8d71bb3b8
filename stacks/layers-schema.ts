import { z } from "zod";
import { DELETION_POLICIES, LayerSettings } from "../flux/layers";
import {
    bool,
    dnsLabel,
    dnsSubdomain,
    duration,
    EXPECT,
    field,
    fits,
    obj,
    pattern,
    repoPath,
} from "./schema";

const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

const healthCheckSchema = obj({
    // The seed's health checks are HelmReleases.
    apiVersion: pattern(
        /^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/,
        EXPECT.apiVersion,
    ).default("helm.toolkit.fluxcd.io/v2"),
    kind: pattern(/^[A-Z][A-Za-z0-9]*$/, EXPECT.kind).default("HelmRelease"),
    name: dnsSubdomain,
    namespace: dnsLabel,
});

const LAYER_FIELDS = {
    enabled: field(bool.optional(), {
        default: "`true`",
        description: "`false` removes the layer (its `deletionPolicy` applies).",
    }),
    path: field(repoPath.optional(), {
        default:
            "`infrastructure`: `./gitops/infrastructure`; `databases`: `./gitops/apps/databases`; `apps`: `./gitops/apps/applications`; required for a new layer",
        description:
            "Directory Flux builds. No two layers share a path; a layer whose path contains an `Orphan` layer's path must be `Orphan` too; other nesting is a warning.",
        example: "`./clusters/prod/infrastructure`",
    }),
    // What every seed layer shares: reconcile every 10 minutes, prune what leaves Git.
    interval: field(duration.default("10m0s"), {
        description: "How often Flux re-applies the layer.",
        example: "`2m0s`",
    }),
    prune: field(bool.default(true), { description: "Delete objects removed from Git." }),
    dependsOn: field(z.array(dnsLabel, { error: EXPECT.stringList }).default([]), {
        type: "list of layer names",
        default: "`databases`: `[infrastructure]`; `apps`: `[databases]`; others `[]`",
        description:
            "Layers that must be Ready first. Unknown, disabled, repeated or cyclic names are errors; a suspended one is a warning.",
        example: "`[infrastructure]`",
    }),
    healthChecks: field(
        z
            .array(healthCheckSchema, { error: "a list of {apiVersion, kind, name, namespace}" })
            .default([]),
        {
            type: "list of `{apiVersion, kind, name, namespace}`",
            default:
                "`infrastructure`: HelmRelease `cert-manager/cert-manager`; `databases`: `databases/postgresql`, `databases/redis`; `apps`: `authentik/authentik`; others `[]`",
            description: `Objects that must be healthy for the layer to be Ready. \`apiVersion\` defaults to \`${healthCheckSchema.shape.apiVersion.def.defaultValue}\`, \`kind\` to \`${healthCheckSchema.shape.kind.def.defaultValue}\`; each object once.`,
            example: "`[{name: kube-prometheus-stack, namespace: monitoring}]`",
        },
    ),
    timeout: field(duration.optional(), {
        default: "unset (Flux: the interval)",
        description: "Timeout of apply and health checks.",
        example: "`5m`",
    }),
    retryInterval: field(duration.optional(), {
        default: "unset (Flux: the interval)",
        description: "Retry interval after a failed reconciliation.",
        example: "`30s`",
    }),
    wait: field(bool.optional(), {
        description: "Wait for every applied object; not together with `healthChecks`.",
    }),
    deletionPolicy: field(z.enum(DELETION_POLICIES, { error: EXPECT.deletionPolicy }).optional(), {
        type: DELETION_POLICIES.map((p) => `\`${p}\``).join(", "),
        default: "`databases`: `Orphan`; others unset (Flux: `MirrorPrune`)",
        description: "What Flux does with the layer's objects when the Kustomization is deleted.",
        example: "`WaitForTermination`",
    }),
    suspend: field(bool.optional(), {
        description: "Stop reconciling; the layer is then not waited for.",
    }),
    targetNamespace: field(dnsLabel.optional(), {
        description: "Namespace set on every namespaced object of the layer.",
        example: "`apps`",
    }),
    substitute: field(
        z
            .record(
                z.string().regex(VAR_NAME, { error: EXPECT.substitute }),
                z.string({ error: EXPECT.substitute }),
                { error: EXPECT.substitute },
            )
            .optional(),
        {
            type: "map of variable name (`[_a-zA-Z][_a-zA-Z0-9]*`) to string",
            description: "`postBuild.substitute` variables.",
            example: "`{CLUSTER_NAME: prod}`",
        },
    ),
    readinessTimeout: field(duration.optional(), {
        default: "`readiness.timeout`",
        description:
            "How long `pulumi up` waits for this layer. Over 6h is accepted with a warning.",
        example: "`20m`",
    }),
};

/** The fields without their defaults: a seed layer's own values stay unless the stack sets one. */
type Overrides<S> = {
    [K in keyof S]: S[K] extends z.ZodDefault<infer T> ? z.ZodOptional<T> : S[K];
};
const overrides = <S extends Record<string, z.ZodType>>(shape: S) =>
    Object.fromEntries(
        Object.entries(shape).map(([k, s]) => [
            k,
            s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType).optional() : s,
        ]),
    ) as Overrides<S>;

/** `layers.<name>`: a layer that is not one of the seed's, the schema's defaults filled in. */
export const layerSchema = obj(LAYER_FIELDS).meta({
    entry: "<name>",
    description:
        "A map from layer name (DNS-1123 label, the Kustomization's name) to its settings, merged over the\nthree default layers `infrastructure`, `databases` and `apps`. A new name adds a layer (it needs\n`path`). Lists replace the default list.",
});

/** `layers.<name>` for a seed layer: what the stack sets, merged over the seed's settings. */
export const layerOverrideSchema = obj(overrides(LAYER_FIELDS));

/** A new layer, once it has a path, is what the model takes. */
fits<Omit<z.output<typeof layerSchema>, "enabled" | "path"> & { path: string }, LayerSettings>();
