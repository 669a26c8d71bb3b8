import { KubeObject } from "../../cli/takeover/kube";
import { SeedOptions, seedCluster } from "./seed-cluster";

/**
 * A cluster bootstrapped on the layout of the repository the seed's folder comes from (issue 18):
 * the bootstrap in gitops/flux-system/, and the root Kustomization `flux-system` syncing ./gitops
 * with no kustomization.yaml there. kustomize-controller then generates one that lists every
 * subfolder holding a kustomization.yaml (fluxcd/pkg kustomize generator): flux-system/,
 * infrastructure/ and apps/, whose kustomization.yaml lists databases/, applications/ and
 * monitoring/. So the root applies the layers' objects too, and monitoring/ is a folder no
 * layer applies. The root sets `spec.buildMetadata: [originAnnotations]` (Flux 2.9), so its
 * objects record their file, relative to the root's path (only monitoring/'s are modelled); a
 * subfolder's own kustomization.yaml could not: kustomize gives it its parent's buildMetadata.
 */
const NS = "flux-system";

const namespace = (name: string): KubeObject => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name },
});
const helmRelease = (ns: string, name: string): KubeObject => ({
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name, namespace: ns },
    spec: { interval: "10m", chart: { spec: { chart: name } } },
});
const secret = (ns: string, name: string): KubeObject => ({
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name, namespace: ns },
    data: { password: "c2VjcmV0" },
});

/** What each layer's folder holds; the root applies all of it as well. */
export const LAYER_OBJECTS: Record<string, KubeObject[]> = {
    infrastructure: [namespace("cert-manager"), helmRelease("cert-manager", "cert-manager")],
    databases: [
        namespace("databases"),
        secret("databases", "postgresql-auth"),
        helmRelease("databases", "postgresql"),
        helmRelease("databases", "redis"),
    ],
    apps: [namespace("authentik"), helmRelease("authentik", "authentik")],
};

/** gitops/apps/monitoring/: listed by gitops/apps/kustomization.yaml, applied by the root only. */
export const MONITORING_OBJECTS: KubeObject[] = [
    namespace("monitoring"),
    helmRelease("monitoring", "kube-prometheus-stack"),
];

/** An inventory entry as kustomize-controller writes it: `<namespace>_<name>_<group>_<kind>`. */
function entry(o: KubeObject): { id: string; v: string } {
    const [group, version] = o.apiVersion.includes("/")
        ? o.apiVersion.split("/")
        : ["", o.apiVersion];
    return {
        id: `${o.metadata.namespace ?? ""}_${o.metadata.name}_${group}_${o.kind}`,
        v: version,
    };
}

/** The object as the Kustomization `owner` last applied it (its owner labels). */
function appliedBy(o: KubeObject, owner: string, origin?: string): KubeObject {
    const copy = structuredClone(o);
    copy.metadata.labels = {
        "kustomize.toolkit.fluxcd.io/name": owner,
        "kustomize.toolkit.fluxcd.io/namespace": NS,
    };
    if (origin !== undefined) {
        copy.metadata.annotations = { "config.kubernetes.io/origin": `path: ${origin}\n` };
    }
    return copy;
}

export interface OriginOptions extends SeedOptions {
    /** Whether the root records kustomize's origin annotation (on monitoring/'s objects). Default true. */
    originAnnotations?: boolean;
}

export function originCluster(o: OriginOptions): KubeObject[] {
    const objs = seedCluster(o);
    const ks = (name: string) =>
        objs.find((x) => x.kind === "Kustomization" && x.metadata.name === name)!;
    const root = ks(NS);
    root.spec.path = "./gitops";
    if (o.originAnnotations !== false) root.spec.buildMetadata = ["originAnnotations"];
    for (const [layer, held] of Object.entries(LAYER_OBJECTS)) {
        // seedCluster's layers share one status object: each gets its own.
        ks(layer).status = { ...ks(layer).status, inventory: { entries: held.map(entry) } };
        root.status.inventory.entries.push(...held.map(entry));
        objs.push(...held.map((x) => appliedBy(x, layer)));
    }
    for (const x of MONITORING_OBJECTS) {
        const file = `apps/monitoring/${x.kind.toLowerCase()}-${x.metadata.name}.yaml`;
        objs.push(appliedBy(x, NS, o.originAnnotations === false ? undefined : file));
        root.status.inventory.entries.push(entry(x));
    }
    return objs;
}
