import { z } from "zod";
import { LayerSettings } from "../flux/layers";
import { layerSchema } from "./layers-schema";

/** The Pulumi project name: the prefix of every config key (`flux-gitops:<key>`). */
export const PROJECT = "flux-gitops";

/**
 * Newest stable Flux release whose controllers we could verify and build
 * (checked against the Go module proxy; tests/toolchain/versions.env pins the same).
 */
export const DEFAULT_FLUX_VERSION = "v2.9.5";

/** Where `flux install` puts the controllers unless told otherwise. */
export const DEFAULT_FLUX_NAMESPACE = "flux-system";

/** The release asset `flux install` applies, for a pinned version. */
export function releaseManifestUrl(version: string): string {
    return `https://github.com/fluxcd/flux2/releases/download/${version}/install.yaml`;
}

/** A seed layer: what it sets, the layer schema's defaults for the rest. */
const seedLayer = (layer: z.input<typeof layerSchema> & { path: string }): LayerSettings => ({
    ...layerSchema.parse(layer),
    path: layer.path,
});

const helmRelease = (namespace: string, name: string) => ({ name, namespace });

/**
 * The seed's three layers (the original flux-system README). A stack changes, removes
 * (`enabled: false`) or adds layers under the `layers` key.
 *
 * `databases` orphans its objects on deletion by default: removing the layer or
 * destroying the stack must never take PostgreSQL and Redis with it unless a
 * stack says so explicitly.
 */
export const SEED_LAYERS: Record<string, LayerSettings> = {
    infrastructure: seedLayer({
        path: "./gitops/infrastructure",
        healthChecks: [helmRelease("cert-manager", "cert-manager")],
    }),
    databases: seedLayer({
        path: "./gitops/apps/databases",
        dependsOn: ["infrastructure"],
        healthChecks: [helmRelease("databases", "postgresql"), helmRelease("databases", "redis")],
        deletionPolicy: "Orphan",
    }),
    apps: seedLayer({
        path: "./gitops/apps/applications",
        dependsOn: ["databases"],
        healthChecks: [helmRelease("authentik", "authentik")],
    }),
};

/** Own keys only: a layer called `constructor` is not a seed layer. */
export function isSeedLayer(name: string): boolean {
    return Object.hasOwn(SEED_LAYERS, name);
}
