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
