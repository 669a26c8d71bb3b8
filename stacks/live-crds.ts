import * as k8s from "@kubernetes/client-node";
import * as pulumi from "@pulumi/pulumi";
import { LiveCrd } from "../components/flux-manifest";

/** Reads the named CRDs from the cluster; absent ones are left out. */
export type LiveCrdReader = (names: string[]) => Promise<LiveCrd[]>;

/**
 * The cluster the kubernetes provider deploys to: `kubernetes:kubeconfig`
 * (a path or the file's content) and `kubernetes:context` when set, else
 * KUBECONFIG or ~/.kube/config, as the provider resolves it.
 */
function kubeConfig(): k8s.KubeConfig {
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

/** Reads CRDs through the Kubernetes API (no kubectl), one GET per name, in parallel. */
export const readLiveCrdsFromCluster: LiveCrdReader = async (names) => {
    const api = kubeConfig().makeApiClient(k8s.ApiextensionsV1Api);
    const found = await Promise.all(
        names.map(async (name) => {
            try {
                const crd = await api.readCustomResourceDefinition({ name });
                return { name, storedVersions: crd.status?.storedVersions ?? [] };
            } catch (e) {
                if ((e as { code?: number }).code === 404) return undefined;
                throw e;
            }
        }),
    );
    return found.filter((c): c is LiveCrd => c !== undefined);
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
