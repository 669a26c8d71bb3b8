import type * as k8s from "@kubernetes/client-node";
import * as pulumi from "@pulumi/pulumi";
import { LiveCrd } from "../flux/install";

/**
 * Reads the named CRDs from the cluster (absent ones are left out), plus every
 * other Flux CRD there with the number of its objects.
 */
export type LiveCrdReader = (names: string[]) => Promise<LiveCrd[]>;

/**
 * The Kubernetes client, loaded on first use: the offline commands and the unit tests, which
 * never read the cluster, do not pay for loading it.
 */
function client(): typeof k8s {
    return require("@kubernetes/client-node") as typeof k8s;
}

/** The label every object of a Flux release carries. */
const FLUX_SELECTOR = "app.kubernetes.io/part-of=flux";

/**
 * The cluster the kubernetes provider deploys to: `kubernetes:kubeconfig`
 * (a path or the file's content) and `kubernetes:context` when set, else
 * KUBECONFIG or ~/.kube/config, as the provider resolves it.
 */
function kubeConfig(): k8s.KubeConfig {
    const k8s = client();
    const cfg = new pulumi.Config("kubernetes");
    const kc = new k8s.KubeConfig();
    const explicit = cfg.get("kubeconfig");
    if (explicit === undefined) kc.loadFromDefault();
    else if (/^\s*(apiVersion|clusters|[{])/m.test(explicit)) kc.loadFromString(explicit);
    else kc.loadFromFile(explicit);
    const context = cfg.get("context");
    if (context !== undefined) kc.setCurrentContext(context);
    return kc;
}

/** Reads CRDs through the Kubernetes API (no kubectl): one GET per name, one labelled LIST, in parallel. */
const readLiveCrdsFromCluster: LiveCrdReader = async (names) => {
    const kc = kubeConfig();
    const api = kc.makeApiClient(client().ApiextensionsV1Api);
    const [named, flux] = await Promise.all([
        Promise.all(
            names.map(async (name) => {
                try {
                    const crd = await api.readCustomResourceDefinition({ name });
                    return { name, storedVersions: crd.status?.storedVersions ?? [] };
                } catch (e) {
                    if ((e as { code?: number }).code === 404) return undefined;
                    throw e;
                }
            }),
        ),
        api.listCustomResourceDefinition({ labelSelector: FLUX_SELECTOR }),
    ]);
    const objects = kc.makeApiClient(client().CustomObjectsApi);
    const others = await Promise.all(
        flux.items
            .filter((crd) => !names.includes(crd.metadata?.name ?? ""))
            .map(async (crd) => {
                const version = crd.spec.versions.find((v) => v.storage)?.name ?? "";
                // One item and the server's count of the rest: enough to know what would be lost.
                const list = (await objects.listClusterCustomObject({
                    group: crd.spec.group,
                    version,
                    plural: crd.spec.names.plural,
                    limit: 1,
                })) as { items: unknown[]; metadata?: { remainingItemCount?: number } };
                return {
                    name: crd.metadata?.name ?? "",
                    storedVersions: crd.status?.storedVersions ?? [],
                    objects: list.items.length + (list.metadata?.remainingItemCount ?? 0),
                };
            }),
    );
    return [...named.filter((c): c is LiveCrd => c !== undefined), ...others];
};

let reader: LiveCrdReader = readLiveCrdsFromCluster;

/** Replaces how CRDs are read (tests run without a cluster); returns the previous reader. */
export function setLiveCrdReader(r: LiveCrdReader): LiveCrdReader {
    const previous = reader;
    reader = r;
    return previous;
}

export function liveCrdReader(): LiveCrdReader {
    return reader;
}
