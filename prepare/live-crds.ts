import * as fs from "fs";
import * as path from "path";
import type * as k8s from "@kubernetes/client-node";
import * as pulumi from "@pulumi/pulumi";
import { LiveCrd } from "../flux/install";
import { defaultKubeconfigFile, RestAccess, restAccess, restClient } from "./kube-rest";

/**
 * Reads the named CRDs from the cluster (absent ones are left out), plus every
 * other Flux CRD there with the number of its objects.
 */
type LiveCrdReader = (names: string[]) => Promise<LiveCrd[]>;

/**
 * The Kubernetes client, loaded on first use: the offline commands, the unit tests and a
 * kubeconfig that plain HTTPS requests can use (kube-rest.ts) do not pay for loading it.
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

/** The access kube-rest.ts can use for the cluster kubeConfig() reads, or undefined. */
function plainAccess(): RestAccess | undefined {
    const cfg = new pulumi.Config("kubernetes");
    const explicit = cfg.get("kubeconfig");
    const context = cfg.get("context");
    try {
        if (explicit !== undefined && /^\s*(apiVersion|clusters|[{])/m.test(explicit)) {
            return restAccess(explicit, undefined, context);
        }
        const file = explicit ?? defaultKubeconfigFile();
        if (file === undefined) return undefined;
        return restAccess(fs.readFileSync(file, "utf8"), path.dirname(file), context);
    } catch {
        // The client reads it again, and says what is wrong with it.
        return undefined;
    }
}

interface Crd {
    metadata?: { name?: string };
    spec: {
        group: string;
        names: { plural: string };
        versions: { name: string; storage: boolean }[];
    };
    status?: { storedVersions?: string[] };
}

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

/** The same reads as readWithClient, as plain HTTPS GETs. */
async function readWithRest(access: RestAccess, names: string[]): Promise<LiveCrd[]> {
    const rest = restClient(access);
    const list = async <T>(p: string) => {
        const body = (await rest.get(p)) as T | undefined;
        if (body === undefined) throw new Error(`GET ${p}: HTTP 404`);
        return body;
    };
    try {
        const [named, flux] = await Promise.all([
            Promise.all(
                names.map(async (name) => {
                    const crd = (await rest.get(`${CRDS}/${encodeURIComponent(name)}`)) as
                        Crd | undefined;
                    return crd === undefined
                        ? undefined
                        : { name, storedVersions: crd.status?.storedVersions ?? [] };
                }),
            ),
            list<{ items: Crd[] }>(`${CRDS}?labelSelector=${encodeURIComponent(FLUX_SELECTOR)}`),
        ]);
        const others = await Promise.all(
            flux.items
                .filter((crd) => !names.includes(crd.metadata?.name ?? ""))
                .map(async (crd) => {
                    const version = crd.spec.versions.find((v) => v.storage)?.name ?? "";
                    const objects = await list<{
                        items: unknown[];
                        metadata?: { remainingItemCount?: number };
                    }>(`/apis/${crd.spec.group}/${version}/${crd.spec.names.plural}?limit=1`);
                    return {
                        name: crd.metadata?.name ?? "",
                        storedVersions: crd.status?.storedVersions ?? [],
                        objects: objects.items.length + (objects.metadata?.remainingItemCount ?? 0),
                    };
                }),
        );
        return [...named.filter((c): c is LiveCrd => c !== undefined), ...others];
    } finally {
        rest.close();
    }
}

/**
 * Reads CRDs through the Kubernetes API (no kubectl): one GET per name, one labelled LIST, in
 * parallel; as plain HTTPS requests when the kubeconfig allows, else (and whenever those fail,
 * so that a failure is reported as before) through the client.
 */
const readLiveCrdsFromCluster: LiveCrdReader = async (names) => {
    const access = plainAccess();
    if (access !== undefined) {
        try {
            return await readWithRest(access, names);
        } catch {
            // The client's own error, below, is the one reported.
        }
    }
    return readWithClient(names);
};

/** Reads CRDs through @kubernetes/client-node. */
const readWithClient: LiveCrdReader = async (names) => {
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
