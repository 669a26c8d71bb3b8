import { KubeObject } from "../../cli/takeover/kube";

/**
 * The objects a cluster holds after `flux bootstrap` and the seed's flux-system folder
 * (flux-system README): written from what bootstrap and kustomize-controller leave, not from
 * this program's output. The root `flux-system` Kustomization (prune: true, path
 * ./clusters/prod) applied the namespace, the CRDs, gotk-sync (GitRepository + itself) and the
 * three layer Kustomizations, labelling each and owning their fields; `sops-age` and the Git
 * Secret were created with kubectl.
 */
export interface SeedOptions {
    fluxVersion?: string;
    url: string;
    ageKey: string;
    sshIdentity: string;
    knownHosts: string;
    /**
     * The objects of gotk-components.yaml. Default: the namespace and SEED_CRDS only,
     * for tests that do not look at the controllers.
     */
    install?: KubeObject[];
}

const NS = "flux-system";
const owner = {
    "kustomize.toolkit.fluxcd.io/name": NS,
    "kustomize.toolkit.fluxcd.io/namespace": NS,
};
/** kustomize-controller's apply: the owner labels and, for objects with one, the spec. */
const applied = (apiVersion: string) => [
    {
        manager: "kustomize-controller",
        operation: "Apply",
        apiVersion,
        fieldsType: "FieldsV1",
        fieldsV1: {
            "f:metadata": { "f:labels": { "f:kustomize.toolkit.fluxcd.io/name": {} } },
            "f:spec": { "f:interval": {} },
        },
    },
];
const withStatus = (apiVersion: string) => [
    ...applied(apiVersion),
    {
        manager: "kustomize-controller",
        operation: "Update",
        subresource: "status",
        apiVersion,
        fieldsType: "FieldsV1",
        fieldsV1: { "f:status": {} },
    },
];
/** `kubectl create secret generic --from-file=…` of the given data keys. */
const created = (...keys: string[]) => [
    {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "v1",
        fieldsType: "FieldsV1",
        fieldsV1: {
            "f:data": Object.fromEntries([[".", {}], ...keys.map((k) => [`f:${k}`, {}])]),
            "f:type": {},
        },
    },
];
const ready = {
    conditions: [{ type: "Ready", status: "True", reason: "Succeeded", message: "ok" }],
};

export const SEED_CRDS = [
    "kustomizations.kustomize.toolkit.fluxcd.io",
    "gitrepositories.source.toolkit.fluxcd.io",
    "ocirepositories.source.toolkit.fluxcd.io",
    "helmrepositories.source.toolkit.fluxcd.io",
    "helmcharts.source.toolkit.fluxcd.io",
    "buckets.source.toolkit.fluxcd.io",
    "externalartifacts.source.toolkit.fluxcd.io",
    "helmreleases.helm.toolkit.fluxcd.io",
];

const hr = (namespace: string, name: string) => ({
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    name,
    namespace,
});

/** The seed's three layers, field by field from its README (interval 10m0s, SOPS, chain, health checks). */
export const SEED_LAYERS: Record<string, Record<string, unknown>> = {
    infrastructure: {
        interval: "10m0s",
        path: "./gitops/infrastructure",
        prune: true,
        sourceRef: { kind: "GitRepository", name: NS },
        decryption: { provider: "sops", secretRef: { name: "sops-age" } },
        healthChecks: [hr("cert-manager", "cert-manager")],
    },
    databases: {
        interval: "10m0s",
        path: "./gitops/apps/databases",
        prune: true,
        sourceRef: { kind: "GitRepository", name: NS },
        decryption: { provider: "sops", secretRef: { name: "sops-age" } },
        dependsOn: [{ name: "infrastructure" }],
        healthChecks: [hr("databases", "postgresql"), hr("databases", "redis")],
    },
    apps: {
        interval: "10m0s",
        path: "./gitops/apps/applications",
        prune: true,
        sourceRef: { kind: "GitRepository", name: NS },
        decryption: { provider: "sops", secretRef: { name: "sops-age" } },
        dependsOn: [{ name: "databases" }],
        healthChecks: [hr("authentik", "authentik")],
    },
};

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function seedCluster(o: SeedOptions): KubeObject[] {
    const version = o.fluxVersion ?? "v2.9.5";
    const install = { "app.kubernetes.io/part-of": "flux", "app.kubernetes.io/version": version };
    const installed: KubeObject[] = (
        o.install ??
        <KubeObject[]>[
            { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
            ...SEED_CRDS.map((name) => ({
                apiVersion: "apiextensions.k8s.io/v1",
                kind: "CustomResourceDefinition",
                metadata: { name },
                spec: {},
            })),
        ]
    ).map((obj: KubeObject) => {
        const copy: KubeObject = structuredClone(obj);
        copy.metadata.labels = { ...copy.metadata.labels, ...install, ...owner };
        copy.metadata.managedFields = applied(copy.apiVersion);
        return copy;
    });
    const layers: KubeObject[] = Object.entries(SEED_LAYERS).map(([name, spec]) => ({
        apiVersion: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: {
            name,
            namespace: NS,
            labels: { ...owner },
            managedFields: withStatus("kustomize.toolkit.fluxcd.io/v1"),
        },
        // The CRD's default, filled in by the API server.
        spec: { force: false, ...spec },
        status: ready,
    }));
    const inventory = [
        ...installed.map((obj) => {
            const group = obj.apiVersion.includes("/") ? obj.apiVersion.split("/")[0] : "";
            const version = obj.apiVersion.split("/").pop()!;
            const ns = obj.metadata.namespace ?? "";
            return { id: `${ns}_${obj.metadata.name}_${group}_${obj.kind}`, v: version };
        }),
        ...Object.keys(SEED_LAYERS).map((n) => ({
            id: `${NS}_${n}_kustomize.toolkit.fluxcd.io_Kustomization`,
            v: "v1",
        })),
        { id: `${NS}_${NS}_kustomize.toolkit.fluxcd.io_Kustomization`, v: "v1" },
        { id: `${NS}_${NS}_source.toolkit.fluxcd.io_GitRepository`, v: "v1" },
    ];
    return [
        ...installed,
        {
            apiVersion: "source.toolkit.fluxcd.io/v1",
            kind: "GitRepository",
            metadata: {
                name: NS,
                namespace: NS,
                labels: { ...owner },
                managedFields: withStatus("source.toolkit.fluxcd.io/v1"),
            },
            spec: {
                interval: "1m0s",
                ref: { branch: "main" },
                secretRef: { name: NS },
                timeout: "60s",
                url: o.url,
            },
            status: ready,
        },
        {
            apiVersion: "kustomize.toolkit.fluxcd.io/v1",
            kind: "Kustomization",
            metadata: {
                name: NS,
                namespace: NS,
                labels: { ...owner },
                managedFields: withStatus("kustomize.toolkit.fluxcd.io/v1"),
            },
            spec: {
                force: false,
                interval: "10m0s",
                path: "./clusters/prod",
                prune: true,
                sourceRef: { kind: "GitRepository", name: NS },
            },
            status: { ...ready, inventory: { entries: inventory } },
        },
        ...layers,
        {
            apiVersion: "v1",
            kind: "Secret",
            type: "Opaque",
            metadata: {
                name: "sops-age",
                namespace: NS,
                managedFields: created("age.agekey"),
            },
            data: { "age.agekey": b64(o.ageKey) },
        },
        {
            apiVersion: "v1",
            kind: "Secret",
            type: "Opaque",
            metadata: {
                name: NS,
                namespace: NS,
                managedFields: created("identity", "identity.pub", "known_hosts"),
            },
            data: {
                identity: b64(o.sshIdentity),
                "identity.pub": b64("ssh-ed25519 AAAA public"),
                known_hosts: b64(o.knownHosts),
            },
        },
    ];
}
