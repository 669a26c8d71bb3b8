/**
 * A GitOps repository laid out as `flux bootstrap` and the seed leave it: the fixture tree
 * plus clusters/prod/flux-system/ with gotk-components.yaml (Flux's namespace, CRDs and a Service,
 * as `flux install --export` labels them), gotk-sync.yaml (the GitRepository and the root
 * Kustomization syncing ./clusters/prod with prune: true), the seed's three layer files and a
 * kustomization.yaml aggregating them. Or laid out as the seed's origin repository
 * (buildOriginRepo): the same folder under gitops/, the root syncing ./gitops.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";
import { env } from "../../integration/helpers/loopback";
import { SEED_LAYERS } from "../../helpers/seed-cluster";

const IT = path.resolve(__dirname, "..", "..", "integration");
export const SEED_REPO_NAME = "seed-gitops";
export const FLUX_FOLDER = path.join("clusters", "prod", "flux-system");
const NS = "flux-system";

/** What `flux install --export` puts on every object it generates. */
function installLabels(version: string): Record<string, string> {
    return {
        "app.kubernetes.io/instance": NS,
        "app.kubernetes.io/part-of": "flux",
        "app.kubernetes.io/version": version,
    };
}

/**
 * gotk-components.yaml for the local control plane: the namespace, the CRDs (the controllers run
 * as processes) and notification-controller's webhook-receiver Service, whose cluster IP the API
 * server assigns. Its selector is left out: no pod runs here, and @pulumi/kubernetes would wait
 * for the endpoints of a Service that selects pods.
 */
export function gotkComponents(version: string): string {
    const crdDir = env("FLUX_CRD_DIR");
    const docs: Record<string, any>[] = [
        {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: NS, labels: installLabels(version) },
        },
    ];
    for (const f of fs.readdirSync(crdDir).sort()) {
        for (const d of parseAllDocuments(fs.readFileSync(path.join(crdDir, f), "utf8"))) {
            const crd = d.toJS() as Record<string, any> | null;
            if (crd === null) continue;
            crd.metadata.labels = { ...(crd.metadata.labels ?? {}), ...installLabels(version) };
            docs.push(crd);
        }
    }
    docs.push({
        apiVersion: "v1",
        kind: "Service",
        metadata: {
            name: "webhook-receiver",
            namespace: NS,
            labels: {
                ...installLabels(version),
                "app.kubernetes.io/component": "notification-controller",
            },
        },
        spec: {
            type: "ClusterIP",
            ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http-webhook" }],
        },
    });
    return docs.map((d) => stringify(d)).join("---\n");
}

/**
 * The GitRepository and the root Kustomization syncing `syncPath` (prune: true), as `flux
 * bootstrap` writes them; `rootSpec` adds to the root's spec.
 */
function gotkSync(url: string, syncPath: string, rootSpec: Record<string, unknown> = {}): string {
    return [
        {
            apiVersion: "source.toolkit.fluxcd.io/v1",
            kind: "GitRepository",
            metadata: { name: NS, namespace: NS },
            spec: { interval: "1m0s", ref: { branch: "main" }, secretRef: { name: NS }, url },
        },
        {
            apiVersion: "kustomize.toolkit.fluxcd.io/v1",
            kind: "Kustomization",
            metadata: { name: NS, namespace: NS },
            spec: {
                interval: "10m0s",
                path: syncPath,
                prune: true,
                sourceRef: { kind: "GitRepository", name: NS },
                ...rootSpec,
            },
        },
    ]
        .map((d) => stringify(d))
        .join("---\n");
}

function commit(repo: string, message: string): void {
    const git = (args: string[]) =>
        execFileSync("git", [
            "-C",
            repo,
            "-c",
            "user.name=seed",
            "-c",
            "user.email=seed@invalid",
            ...args,
        ]);
    git(["add", "-A"]);
    git(["commit", "-q", "-m", message]);
}

/** Pushes the repository to the loopback server as seed-gitops (branch main); returns its SSH URL. */
export function publishSeed(repo: string): string {
    const out = execFileSync(
        "bash",
        [path.join(IT, "git", "publish.sh"), repo, SEED_REPO_NAME, "main"],
        {
            encoding: "utf8",
        },
    );
    return out.trim().split("\n").pop()!;
}

/** The URL the repository will be served at (gotk-sync.yaml names it before the first push). */
export function seedUrl(): string {
    return `${env("GIT_SSH_URL_BASE")}/${SEED_REPO_NAME}.git`;
}

/**
 * The fixture tree in `repo`, its Secrets encrypted for `recipient`. The fixture's HelmReleases
 * build their chart per Git revision (reconcileStrategy: Revision), which upgrades every release
 * on every commit; the seed's charts are versioned, so here they follow the chart version and a
 * commit that does not touch a chart upgrades nothing.
 */
function fixtureTree(recipient: string, repo: string): void {
    execFileSync("bash", [path.join(IT, "fixtures", "make-repo.sh"), recipient, repo]);
    for (const dir of [
        "gitops/infrastructure",
        "gitops/apps/databases",
        "gitops/apps/applications",
    ]) {
        for (const f of fs.readdirSync(path.join(repo, dir))) {
            const file = path.join(repo, dir, f);
            const text = fs.readFileSync(file, "utf8");
            fs.writeFileSync(
                file,
                text.replace(/reconcileStrategy: Revision/g, "reconcileStrategy: ChartVersion"),
            );
        }
    }
}

/**
 * The bootstrap's folder: `components` as gotk-components.yaml, gotk-sync.yaml (the root
 * syncing `syncPath`), the seed's three layer Kustomizations and a kustomization.yaml listing
 * them all.
 */
function writeFluxFolder(
    folder: string,
    components: string,
    syncPath: string,
    rootSpec?: Record<string, unknown>,
): void {
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "gotk-components.yaml"), components);
    fs.writeFileSync(path.join(folder, "gotk-sync.yaml"), gotkSync(seedUrl(), syncPath, rootSpec));
    const files = ["gotk-components.yaml", "gotk-sync.yaml"];
    for (const [name, spec] of Object.entries(SEED_LAYERS)) {
        const file = `${name}-kustomization.yaml`;
        files.push(file);
        fs.writeFileSync(
            path.join(folder, file),
            stringify({
                apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                kind: "Kustomization",
                metadata: { name, namespace: NS },
                spec,
            }),
        );
    }
    writeKustomization(folder, files);
}

/** A kustomization.yaml listing `resources`. */
function writeKustomization(folder: string, resources: string[]): void {
    fs.writeFileSync(
        path.join(folder, "kustomization.yaml"),
        stringify({
            apiVersion: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources,
        }),
    );
}

/** Builds the repository in `repo` (fixture tree encrypted for `recipient`) and publishes it. */
export function buildSeedRepo(recipient: string, repo: string, fluxVersion: string): string {
    fixtureTree(recipient, repo);
    writeFluxFolder(path.join(repo, FLUX_FOLDER), gotkComponents(fluxVersion), "./clusters/prod");
    commit(repo, "flux bootstrap: clusters/prod/flux-system");
    return publishSeed(repo);
}

/** The origin layout's root applies the layers' SOPS Secrets too: it decrypts like them. */
const ORIGIN_ROOT = { decryption: { provider: "sops", secretRef: { name: "sops-age" } } };

/** Where the origin repository keeps the bootstrap. */
export const ORIGIN_FLUX_FOLDER = path.join("gitops", "flux-system");

/**
 * The seed's origin layout: the bootstrap in gitops/flux-system/ and no kustomization.yaml in
 * gitops/, so kustomize-controller generates one for the root (path ./gitops) listing every
 * folder under it that holds a kustomization.yaml, without descending into them: flux-system/,
 * the layers' own folders, and `rootOnly.folder`, which no layer applies. The root decrypts with
 * sops-age: it applies the layers' SOPS Secrets too. Publishes it; returns its URL.
 */
export function buildOriginRepo(
    recipient: string,
    repo: string,
    components: string,
    rootOnly: { folder: string; files: Record<string, unknown[]> },
): string {
    fixtureTree(recipient, repo);
    const only = path.join(repo, rootOnly.folder);
    fs.mkdirSync(only, { recursive: true });
    for (const [file, objects] of Object.entries(rootOnly.files)) {
        fs.writeFileSync(path.join(only, file), objects.map((o) => stringify(o)).join("---\n"));
    }
    writeKustomization(only, Object.keys(rootOnly.files));
    writeFluxFolder(path.join(repo, ORIGIN_FLUX_FOLDER), components, "./gitops", ORIGIN_ROOT);
    commit(repo, "flux bootstrap: gitops/flux-system");
    return publishSeed(repo);
}

/**
 * docs/takeover.md's way to have the origin layout's root record each object's file: its
 * gotk-sync.yaml gains `buildMetadata: [originAnnotations]`, committed and published.
 */
export function recordOrigins(repo: string): void {
    fs.writeFileSync(
        path.join(repo, ORIGIN_FLUX_FOLDER, "gotk-sync.yaml"),
        gotkSync(seedUrl(), "./gitops", { ...ORIGIN_ROOT, buildMetadata: ["originAnnotations"] }),
    );
    commit(repo, "the root records where each object comes from");
    publishSeed(repo);
}

/** Removes the bootstrap's folder from the repository and publishes the commit. */
export function removeFluxFolder(repo: string, folder = FLUX_FOLDER): void {
    fs.rmSync(path.join(repo, folder), { recursive: true });
    commit(repo, "Pulumi owns the flux-system objects now");
    publishSeed(repo);
}

export function headCommit(repo: string): string {
    return execFileSync("git", ["-C", repo, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
}
