import { COMPONENT_LABEL, KubeObject } from "./objects";

/**
 * What `flux install` installs without `--components`: the four controllers a
 * GitOps setup needs. The image automation controllers and the rest are extras.
 */
export const DEFAULT_COMPONENTS = [
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
] as const;

/**
 * The controllers a manifest can install: every component label in it, sorted
 * (a CRDs-only manifest names its controllers by its CRDs' labels).
 */
export function availableComponents(objects: KubeObject[]): string[] {
    const names = new Set<string>();
    for (const o of objects) {
        const c = o.metadata.labels?.[COMPONENT_LABEL];
        if (c !== undefined) names.add(c);
    }
    return [...names].sort();
}

/** Requested components the manifest does not hold. */
export function unknownComponents(objects: KubeObject[], requested: string[]): string[] {
    const available = new Set(availableComponents(objects));
    return requested.filter((c) => !available.has(c));
}

/**
 * The objects of the chosen controllers plus everything shared (namespace,
 * cluster roles, network policies carry no component label). A controller's
 * CRDs, service account, service and Deployment all carry its label.
 */
export function selectComponents(objects: KubeObject[], components: string[]): KubeObject[] {
    const keep = new Set(components);
    return objects.filter((o) => {
        const c = o.metadata.labels?.[COMPONENT_LABEL];
        return c === undefined || keep.has(c);
    });
}

/** `networkPolicy: false` drops the NetworkPolicies the release ships, as `flux install --network-policy=false` does. */
export function withoutNetworkPolicies(objects: KubeObject[]): KubeObject[] {
    return objects.filter((o) => o.kind !== "NetworkPolicy");
}
