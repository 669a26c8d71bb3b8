import {
    DEFAULT_CLUSTER_DOMAIN,
    withClusterDomain,
    withLogLevel,
    withMultitenantLockdown,
    withWatchAllNamespaces,
} from "./args";
import { withImagePullSecret, withRegistry } from "./images";
import { KubeObject, parseManifest } from "./objects";
import { InstallPatch, withPatches } from "./patches";
import { Scheduling, Toleration, withScheduling } from "./scheduling";
import { Size, withSize } from "./size";
import {
    availableComponents,
    DEFAULT_COMPONENTS,
    selectComponents,
    unknownComponents,
    withoutNetworkPolicies,
} from "./select";

export const LOG_LEVELS = ["debug", "info", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * How the install differs from the release manifest as published. Every field
 * is optional; unset means the manifest stays as Flux built it.
 */
export interface InstallOptions {
    /** Controllers to install. Default: Flux's default set, as far as the manifest holds them. */
    components?: string[];
    /** Registry (and path) the controller images are pulled from instead of ghcr.io/fluxcd. */
    registry?: string;
    /** Name of a kubernetes.io/dockerconfigjson Secret the controllers pull their images with. */
    imagePullSecret?: string;
    /** `--log-level` of every controller. */
    logLevel?: LogLevel;
    /** Cluster DNS domain the controllers address each other by. Default cluster.local. */
    clusterDomain?: string;
    /** false: controllers only watch the Flux namespace. */
    watchAllNamespaces?: boolean;
    /** false: leave out the release's NetworkPolicies. */
    networkPolicy?: boolean;
    /** Multi-tenancy lockdown (no cross-namespace refs, impersonate a default service account). */
    multitenant?: boolean;
    /** Service account impersonated by default when `multitenant` is on. Default `default`. */
    tenantDefaultServiceAccount?: string;
    /** Tolerations added to every controller's pod. */
    tolerations?: Toleration[];
    /** Merged over every controller's nodeSelector. */
    nodeSelector?: Record<string, string>;
    /**
     * The Flux Operator's `cluster.size` preset for kustomize-controller and
     * helm-controller (`--concurrent`, `--requeue-dependency`, CPU and memory
     * limits), applied before `controllers` and `patches`, which still win.
     */
    size?: Size;
    /** Tolerations, nodeSelector and resources per controller, by Deployment name, applied after the shared ones. */
    controllers?: Record<string, Scheduling>;
    /** Free-form patches, applied last, in order. */
    patches?: InstallPatch[];
}

/** The components an install gets: the requested list, or Flux's defaults that the manifest holds. */
export function chosenComponents(objects: KubeObject[], requested?: string[]): string[] {
    if (requested !== undefined) return requested;
    const available = new Set(availableComponents(objects));
    return DEFAULT_COMPONENTS.filter((c) => available.has(c));
}

/**
 * The install's objects: the manifest parsed, reduced to the chosen
 * components, then transformed in the order `flux install` and the Operator
 * apply them, user patches last so they can override anything.
 *
 * Throws when a requested component is not in the manifest (naming the ones
 * that are) or a patch cannot be applied (`PatchError`).
 */
export function buildInstallObjects(manifest: string, options: InstallOptions = {}): KubeObject[] {
    const parsed = parseManifest(manifest);
    const components = chosenComponents(parsed, options.components);
    const unknown = unknownComponents(parsed, components);
    if (unknown.length > 0) throw new UnknownComponentsError(unknown, availableComponents(parsed));
    let objects = selectComponents(parsed, components);
    if (options.networkPolicy === false) objects = withoutNetworkPolicies(objects);
    if (options.registry !== undefined) objects = withRegistry(objects, options.registry);
    if (options.imagePullSecret !== undefined) {
        objects = withImagePullSecret(objects, options.imagePullSecret);
    }
    if (options.size !== undefined) objects = withSize(objects, options.size);
    const { tolerations, nodeSelector, controllers } = options;
    if (tolerations !== undefined || nodeSelector !== undefined || controllers !== undefined) {
        objects = withScheduling(objects, { tolerations, nodeSelector }, controllers);
    }
    if (options.logLevel !== undefined) objects = withLogLevel(objects, options.logLevel);
    if (options.clusterDomain !== undefined && options.clusterDomain !== DEFAULT_CLUSTER_DOMAIN) {
        objects = withClusterDomain(objects, options.clusterDomain);
    }
    if (options.watchAllNamespaces !== undefined) {
        objects = withWatchAllNamespaces(objects, options.watchAllNamespaces);
    }
    if (options.multitenant === true) {
        objects = withMultitenantLockdown(
            objects,
            options.tenantDefaultServiceAccount ?? "default",
        );
    }
    if (options.patches !== undefined) objects = withPatches(objects, options.patches);
    return objects;
}

/** Components the manifest does not hold, with the ones it does. */
export class UnknownComponentsError extends Error {
    constructor(
        public readonly unknown: string[],
        public readonly available: string[],
    ) {
        super(
            `unknown component${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}; ` +
                `the install manifest holds ${available.length === 0 ? "no controllers" : available.join(", ")}`,
        );
        this.name = "UnknownComponentsError";
    }
}
