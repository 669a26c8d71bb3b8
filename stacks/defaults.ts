import { LayerSettings } from "../flux/layers";

/** The Pulumi project name: the prefix of every config key (`flux-gitops:<key>`). */
export const PROJECT = "flux-gitops";

/**
 * Newest stable Flux release whose controllers we could verify and build
 * (checked against the Go module proxy; tests/toolchain/versions.env pins the same).
 */
export const DEFAULT_FLUX_VERSION = "v2.9.5";

/** Oldest Flux release we support: the seed cluster ran v2.7.5. */
export const MIN_FLUX_MINOR = 7;

/** Where `flux install` puts the controllers unless told otherwise. */
export const DEFAULT_FLUX_NAMESPACE = "flux-system";

/** The release asset `flux install` applies, for a pinned version. */
export function releaseManifestUrl(version: string): string {
    return `https://github.com/fluxcd/flux2/releases/download/${version}/install.yaml`;
}

/** gotk-sync.yaml names both the GitRepository and its auth Secret `flux-system`. */
export const DEFAULT_GIT_REPOSITORY_NAME = "flux-system";
export const DEFAULT_GIT_SECRET_NAME = "flux-system";
export const DEFAULT_GIT_BRANCH = "main";
export const DEFAULT_GIT_INTERVAL = "1m0s";

/** The seed's decryption secretRef. */
export const DEFAULT_SOPS_SECRET_NAME = "sops-age";

/** How long `pulumi up` waits for an object to report Ready when nothing more specific is set. */
export const DEFAULT_READINESS_TIMEOUT = "10m";

/** What every seed layer shares: reconcile every 10 minutes, prune what leaves Git. */
export const DEFAULT_LAYER_INTERVAL = "10m0s";
export const DEFAULT_PRUNE = true;

/** The health checks of the seed are HelmReleases. */
export const DEFAULT_HEALTH_CHECK_API_VERSION = "helm.toolkit.fluxcd.io/v2";
export const DEFAULT_HEALTH_CHECK_KIND = "HelmRelease";

function helmRelease(namespace: string, name: string) {
    return {
        apiVersion: DEFAULT_HEALTH_CHECK_API_VERSION,
        kind: DEFAULT_HEALTH_CHECK_KIND,
        name,
        namespace,
    };
}

/**
 * The seed's three layers (the original flux-system README). A stack changes, removes
 * (`enabled: false`) or adds layers under the `layers` key.
 *
 * `databases` orphans its objects on deletion by default: removing the layer or
 * destroying the stack must never take PostgreSQL and Redis with it unless a
 * stack says so explicitly.
 */
export const SEED_LAYERS: Record<string, LayerSettings> = {
    infrastructure: {
        path: "./gitops/infrastructure",
        interval: DEFAULT_LAYER_INTERVAL,
        prune: DEFAULT_PRUNE,
        dependsOn: [],
        healthChecks: [helmRelease("cert-manager", "cert-manager")],
    },
    databases: {
        path: "./gitops/apps/databases",
        interval: DEFAULT_LAYER_INTERVAL,
        prune: DEFAULT_PRUNE,
        dependsOn: ["infrastructure"],
        healthChecks: [helmRelease("databases", "postgresql"), helmRelease("databases", "redis")],
        deletionPolicy: "Orphan",
    },
    apps: {
        path: "./gitops/apps/applications",
        interval: DEFAULT_LAYER_INTERVAL,
        prune: DEFAULT_PRUNE,
        dependsOn: ["databases"],
        healthChecks: [helmRelease("authentik", "authentik")],
    },
};

/** Own keys only: a layer called `constructor` is not a seed layer. */
export function isSeedLayer(name: string): boolean {
    return Object.hasOwn(SEED_LAYERS, name);
}
