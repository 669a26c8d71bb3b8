import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";

/**
 * A small install manifest shaped like a Flux release's install.yaml, written
 * from Flux's documented layout (not copied from a release): the namespace,
 * per-controller CRDs, ServiceAccounts, Services and Deployments labelled with
 * `app.kubernetes.io/component`, a shared ClusterRole, and the three
 * NetworkPolicies. Each Deployment runs a `manager` container with the args
 * Flux passes its controllers.
 */
export const NS = "flux-system";
export const VERSION = "v2.9.5";

const labels = (component?: string) => ({
    "app.kubernetes.io/instance": NS,
    "app.kubernetes.io/part-of": "flux",
    "app.kubernetes.io/version": VERSION,
    ...(component === undefined ? {} : { "app.kubernetes.io/component": component }),
});

export function crd(
    component: string,
    group: string,
    plural: string,
    kind: string,
    versions: { name: string; served: boolean; storage: boolean }[],
) {
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${plural}.${group}`, labels: labels(component) },
        spec: {
            group,
            names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
            scope: "Namespaced",
            versions: versions.map((v) => ({
                ...v,
                schema: {
                    openAPIV3Schema: {
                        type: "object",
                        "x-kubernetes-preserve-unknown-fields": true,
                    },
                },
                subresources: { status: {} },
            })),
        },
    };
}

const EVENTS = `--events-addr=http://notification-controller.$(RUNTIME_NAMESPACE).svc.cluster.local./`;
export const COMMON_ARGS = [
    "--watch-all-namespaces=true",
    "--log-level=info",
    "--log-encoding=json",
    "--enable-leader-election",
];

/** The manager args of each controller in the synthetic release. */
export const CONTROLLER_ARGS: Record<string, string[]> = {
    "source-controller": [
        EVENTS,
        ...COMMON_ARGS,
        "--storage-path=/data",
        "--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.cluster.local.",
    ],
    "kustomize-controller": [EVENTS, ...COMMON_ARGS],
    "helm-controller": [EVENTS, ...COMMON_ARGS],
    "notification-controller": [...COMMON_ARGS],
    "image-reflector-controller": [EVENTS, ...COMMON_ARGS],
};

export const IMAGE_TAGS: Record<string, string> = {
    "source-controller": "v1.7.2",
    "kustomize-controller": "v1.7.1",
    "helm-controller": "v1.4.2",
    "notification-controller": "v1.7.3",
    "image-reflector-controller": "v1.0.2",
};

function deployment(component: string) {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: {
            name: component,
            namespace: NS,
            labels: { ...labels(component), "control-plane": "controller" },
        },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: component } },
            template: {
                metadata: { labels: { app: component } },
                spec: {
                    serviceAccountName: component,
                    terminationGracePeriodSeconds: 10,
                    nodeSelector: { "kubernetes.io/os": "linux" },
                    containers: [
                        {
                            name: "manager",
                            image: `ghcr.io/fluxcd/${component}:${IMAGE_TAGS[component]}`,
                            args: CONTROLLER_ARGS[component],
                            env: [
                                {
                                    name: "RUNTIME_NAMESPACE",
                                    valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
                                },
                                {
                                    name: "GOMEMLIMIT",
                                    valueFrom: {
                                        resourceFieldRef: {
                                            containerName: "manager",
                                            resource: "limits.memory",
                                        },
                                    },
                                },
                            ],
                            resources: {
                                limits: { cpu: "1000m", memory: "1Gi" },
                                requests: { cpu: "100m", memory: "64Mi" },
                            },
                        },
                    ],
                },
            },
        },
    };
}

const serviceAccount = (component: string) => ({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: component, namespace: NS, labels: labels(component) },
});

const networkPolicy = (name: string) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: NS, labels: labels() },
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
});

/** The objects, in the order a release lists them (CRDs, namespace, RBAC, workloads, policies). */
export function syntheticInstallObjects(): Record<string, any>[] {
    const controllers = Object.keys(CONTROLLER_ARGS);
    return [
        crd("source-controller", "source.toolkit.fluxcd.io", "gitrepositories", "GitRepository", [
            { name: "v1", served: true, storage: true },
            { name: "v1beta2", served: true, storage: false },
        ]),
        crd(
            "kustomize-controller",
            "kustomize.toolkit.fluxcd.io",
            "kustomizations",
            "Kustomization",
            [{ name: "v1", served: true, storage: true }],
        ),
        crd(
            "image-reflector-controller",
            "image.toolkit.fluxcd.io",
            "imagepolicies",
            "ImagePolicy",
            [{ name: "v1", served: true, storage: true }],
        ),
        { apiVersion: "v1", kind: "Namespace", metadata: { name: NS, labels: labels() } },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: `crd-controller-${NS}`, labels: labels() },
            rules: [{ apiGroups: ["source.toolkit.fluxcd.io"], resources: ["*"], verbs: ["*"] }],
        },
        ...controllers.map(serviceAccount),
        ...controllers.map(deployment),
        networkPolicy("allow-egress"),
        networkPolicy("allow-scraping"),
        networkPolicy("allow-webhooks"),
    ];
}

/** The synthetic manifest as multi-document YAML (with a leading separator, like release files). */
export function syntheticInstallManifest(objects = syntheticInstallObjects()): string {
    return `---\n${objects.map((o) => stringify(o)).join("---\n")}`;
}

/** The synthetic manifest (or the given objects) written to a fresh temp file; returns its path. */
export function manifestFile(objects = syntheticInstallObjects()): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-manifest-"));
    const file = path.join(dir, "install.yaml");
    fs.writeFileSync(file, syntheticInstallManifest(objects));
    return file;
}
