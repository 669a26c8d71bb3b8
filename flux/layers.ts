import * as path from "path";

/** A `healthChecks` entry of a Flux Kustomization. */
interface HealthCheckRef {
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
}

export const KUSTOMIZATION_API_VERSION = "kustomize.toolkit.fluxcd.io/v1";

/** Values of a Kustomization's `spec.deletionPolicy`. */
export const DELETION_POLICIES = ["MirrorPrune", "Delete", "WaitForTermination", "Orphan"] as const;
type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/** Everything a stack can say about one layer (a Flux Kustomization). */
export interface LayerSettings {
    /** Directory in the Git source holding the layer's kustomization.yaml. */
    path: string;
    /** Reconcile interval (Flux duration). */
    interval: string;
    /** Garbage-collect objects removed from Git. */
    prune: boolean;
    /** Names of layers that must be Ready first. */
    dependsOn: string[];
    /** Objects that must be healthy for the layer to be Ready. */
    healthChecks: HealthCheckRef[];
    /** Flux's apply/health-check timeout; Flux defaults it to the interval. */
    timeout?: string;
    /** Retry interval after a failed reconciliation; Flux defaults it to the interval. */
    retryInterval?: string;
    /** Wait for every applied object to be ready (health checks are then implied). */
    wait?: boolean;
    /** What Flux does with the layer's objects when the Kustomization is deleted. */
    deletionPolicy?: DeletionPolicy;
    /** Stop reconciling this layer. */
    suspend?: boolean;
    /** Namespace forced onto every namespaced object of the layer. */
    targetNamespace?: string;
    /** `postBuild.substitute` variables. */
    substitute?: Record<string, string>;
    /** How long `pulumi up` waits for this layer to be Ready. */
    readinessTimeout?: string;
}

/** A layer after merging: settings plus its name. */
export interface Layer extends LayerSettings {
    name: string;
    /**
     * Set when the config key this comes from is stored as a secret (`pulumi
     * config set --secret`, also with `--path` for one field: Pulumi then marks
     * the whole key). Every value taken from it is then a Pulumi secret; names
     * Kubernetes shows to anyone who can list objects stay plain.
     */
    confidential?: boolean;
}

/** The kinds of Flux source a layer can build from. */
export type SourceKind = "GitRepository" | "OCIRepository";

/** What every layer shares. */
export interface LayerContext {
    /** The GitRepository or OCIRepository the layers build from. */
    sourceRef: { kind: SourceKind; name: string };
    /** The Secret holding the age key (`decryption.secretRef`). */
    decryptionSecretName: string;
    /**
     * Service account the layers are applied as. Set under the multi-tenancy
     * lockdown, where a Kustomization without one impersonates the namespace's
     * `default` account (which may do nothing); unset, the controller's own
     * account applies them.
     */
    serviceAccountName?: string;
}

/** The `spec` of one layer's Flux Kustomization. Unset options are left out, so Flux's defaults apply. */
export function buildKustomizationSpec(layer: Layer, ctx: LayerContext): Record<string, unknown> {
    const spec: Record<string, unknown> = {
        interval: layer.interval,
        path: layer.path,
        prune: layer.prune,
        sourceRef: ctx.sourceRef,
        // Every layer may hold SOPS files; decrypting is a no-op for plain ones.
        decryption: { provider: "sops", secretRef: { name: ctx.decryptionSecretName } },
    };
    if (ctx.serviceAccountName !== undefined) spec.serviceAccountName = ctx.serviceAccountName;
    if (layer.dependsOn.length > 0) spec.dependsOn = layer.dependsOn.map((name) => ({ name }));
    if (layer.healthChecks.length > 0)
        spec.healthChecks = layer.healthChecks.map((h) => ({ ...h }));
    if (layer.timeout !== undefined) spec.timeout = layer.timeout;
    if (layer.retryInterval !== undefined) spec.retryInterval = layer.retryInterval;
    if (layer.wait !== undefined) spec.wait = layer.wait;
    if (layer.deletionPolicy !== undefined) spec.deletionPolicy = layer.deletionPolicy;
    if (layer.suspend !== undefined) spec.suspend = layer.suspend;
    if (layer.targetNamespace !== undefined) spec.targetNamespace = layer.targetNamespace;
    if (layer.substitute !== undefined) spec.postBuild = { substitute: { ...layer.substitute } };
    return spec;
}

/** A layer's path as a repository-relative directory (`./gitops/apps/` → `gitops/apps`, `./` → ``). */
export function layerDir(layerPath: string): string {
    const n = path.posix.normalize(layerPath.replace(/\\/g, "/")).replace(/\/+$/, "");
    return n === "." ? "" : n.replace(/^\.\//, "");
}
