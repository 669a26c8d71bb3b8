/**
 * Install manifests for the e2e suite, shaped like a Flux release but built
 * from what the controllers' Go modules carry (config/crd/bases and
 * config/manager/deployment.yaml), since the release assets cannot be
 * downloaded here. The labels are those Flux's release build adds, so the
 * program's component selection and patches see what they would see.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";

const NS = "flux-system";
const VERSIONS = path.join(__dirname, "..", "toolchain", "versions.env");

/** A pin of tests/toolchain/versions.env. */
export function pinned(name: string): string {
    const m = new RegExp(`^${name}=(\\S+)$`, "m").exec(fs.readFileSync(VERSIONS, "utf8"));
    if (m === null) throw new Error(`${name} is not pinned in ${VERSIONS}`);
    return m[1];
}

/** The directory of a Flux controller's module at `version`, downloaded from the Go proxy. */
export function moduleDir(controller: string, version: string): string {
    const out = execFileSync(
        "go",
        ["mod", "download", "-json", `github.com/fluxcd/${controller}@${version}`],
        { encoding: "utf8", env: { ...process.env, GOFLAGS: "-mod=mod", GOWORK: "off" } },
    );
    return (JSON.parse(out) as { Dir: string }).Dir;
}

/** A Flux controller's module at the version tests/toolchain/versions.env pins. */
export const controllerModule = (controller: string) =>
    moduleDir(controller, pinned(`${controller.replace("-", "_").toUpperCase()}_VERSION`));

const docs = (file: string) =>
    parseAllDocuments(fs.readFileSync(file, "utf8"))
        .map((d) => d.toJS())
        .filter((d) => d !== null);

const labels = (component?: string) => ({
    "app.kubernetes.io/part-of": "flux",
    "app.kubernetes.io/instance": NS,
    ...(component === undefined ? {} : { "app.kubernetes.io/component": component }),
});

/** The CRDs of a controller's module, labelled with the controller. */
export function crdsOf(dir: string, controller: string): any[] {
    const base = path.join(dir, "config", "crd", "bases");
    return fs
        .readdirSync(base)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .flatMap((f) => docs(path.join(base, f)))
        .map((c) => ({ ...c, metadata: { ...c.metadata, labels: labels(controller) } }));
}

/** The controller's Deployment from its module, in the Flux namespace, labelled. */
export function deploymentOf(dir: string, controller: string): any {
    const [d] = docs(path.join(dir, "config", "manager", "deployment.yaml"));
    return {
        ...d,
        metadata: {
            ...d.metadata,
            namespace: NS,
            labels: { ...d.metadata.labels, ...labels(controller) },
        },
    };
}

/**
 * A Service of a controller as the release ships it, but for its selector: no pod runs here (no
 * kubelet, no endpoints controller), and @pulumi/kubernetes would wait for the endpoints of a
 * Service that selects pods.
 */
export function serviceOf(name: string, controller: string): any {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
            name,
            namespace: NS,
            labels: { ...labels(controller), "control-plane": "controller" },
        },
        spec: {
            type: "ClusterIP",
            ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }],
        },
    };
}

export const namespace = () => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: NS, labels: labels() },
});

/** A policy like the release's allow-scraping (it ships three; one is enough to see it go). */
export const networkPolicy = () => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "allow-scraping", namespace: NS, labels: labels() },
    spec: {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ ports: [{ port: 8080, protocol: "TCP" }] }],
    },
});

/** Writes the objects as a multi-document manifest; returns the path. */
export function writeManifest(file: string, objects: any[]): string {
    fs.writeFileSync(file, objects.map((o) => `---\n${stringify(o)}`).join(""));
    return file;
}

/** The kinds of a release that have no namespace. */
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
]);

/**
 * Everything a default `flux install` (the DEFAULT_COMPONENTS) of the pinned release writes but
 * its Deployments, read at test time from the Go modules: from flux2's module its manifests/
 * (install/namespace.yaml, each controller's ServiceAccount in bases/, the ClusterRoles and
 * bindings and the ResourceQuota in rbac/, the NetworkPolicies in policies/), from each
 * controller's module its CRDs and config/manager/service.yaml, with their selectors. Arranged
 * as flux2's pkg/manifestgen/install arranges them: namespaced objects in flux-system, rbac/'s
 * names suffixed with -flux-system (a binding's roleRef with them), the release's labels
 * (version included) and each controller's component label on its objects.
 */
export function releaseWithoutWorkloads(components: readonly string[]): any[] {
    const version = pinned("FLUX_VERSION");
    const manifests = path.join(moduleDir("flux2/v2", version), "manifests");
    const yamlIn = (dir: string) =>
        fs
            .readdirSync(dir)
            .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
            .sort()
            .flatMap((f) => docs(path.join(dir, f)));
    const label = (o: any, component?: string) => ({
        ...o,
        metadata: {
            ...o.metadata,
            ...(CLUSTER_SCOPED.has(o.kind) ? {} : { namespace: NS }),
            labels: {
                ...o.metadata.labels,
                ...labels(component),
                "app.kubernetes.io/version": version,
            },
        },
    });
    const rbac = yamlIn(path.join(manifests, "rbac"));
    const suffixed = new Set(rbac.map((o: any) => o.metadata.name));
    const withSuffix = (name: string) => (suffixed.has(name) ? `${name}-${NS}` : name);
    const objects = [
        label(docs(path.join(manifests, "install", "namespace.yaml"))[0]),
        ...rbac.map((o: any) =>
            label({
                ...o,
                metadata: { ...o.metadata, name: withSuffix(o.metadata.name) },
                ...(o.roleRef === undefined
                    ? {}
                    : { roleRef: { ...o.roleRef, name: withSuffix(o.roleRef.name) } }),
            }),
        ),
        ...yamlIn(path.join(manifests, "policies")).map((o: any) => label(o)),
    ];
    for (const c of components) {
        const dir = controllerModule(c);
        const service = path.join(dir, "config", "manager", "service.yaml");
        objects.push(
            ...crdsOf(dir, c).map((o) => label(o, c)),
            ...docs(path.join(manifests, "bases", c, "account.yaml")).map((o) => label(o, c)),
            ...(fs.existsSync(service) ? docs(service).map((o) => label(o, c)) : []),
        );
    }
    return objects;
}
