import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeObject, withAppliedToken } from "../../flux/install";
import { ConfigError } from "../../stacks";
import { stackWithSecrets, P, withValue } from "../helpers/fixtures";
import { syntheticInstallManifest, syntheticInstallObjects } from "../helpers/flux-manifest";
import { fetched } from "../helpers/offline-release";
import { fluxReady, HEAD } from "../helpers/flux-status";
import { installObjects, installResources } from "../helpers/install";
import { isSecretMarked, ProgramRun, Registered, runProgram } from "../helpers/mocks";

const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const GIT_REPOSITORY = "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository";
const SECRET = "kubernetes:core/v1:Secret";

const helmRelease = (namespace: string, name: string) => ({
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    name,
    namespace,
});
const decryption = { provider: "sops", secretRef: { name: "sops-age" } };
const sourceRef = { kind: "GitRepository", name: "flux-system" };

function kustomization(run: ProgramRun, name: string): Registered {
    const found = run.resources.filter(
        (r) => r.type === KUSTOMIZATION && r.inputs.metadata?.name === name,
    );
    expect(found, `Kustomization ${name}`).to.have.length(1);
    return found[0];
}

function only(run: ProgramRun, type: string, metadataName?: string): Registered {
    const found = run.resources.filter(
        (r) =>
            r.type === type &&
            (metadataName === undefined || r.inputs.metadata?.name === metadataName),
    );
    expect(found, `${type} ${metadataName ?? ""}`).to.have.length(1);
    return found[0];
}

/** Every URN `r` waits for, directly or through the resources it waits for. */
function waitsFor(run: ProgramRun, r: Registered): Set<string> {
    const byUrn = new Map(run.resources.map((x) => [x.urn, x]));
    const seen = new Set<string>();
    const todo = [...r.dependencies];
    while (todo.length > 0) {
        const urn = todo.pop()!;
        if (seen.has(urn)) continue;
        seen.add(urn);
        todo.push(...(byUrn.get(urn)?.dependencies ?? []));
    }
    return seen;
}

describe("the prod stack (Pulumi.prod.yaml as on disk)", () => {
    let run: ProgramRun;
    let ageKey: string;
    let sshIdentity: string;

    before(async () => {
        const s = await stackWithSecrets("prod");
        ageKey = s.ageKey;
        sshIdentity = s.sshIdentity;
        run = await runProgram(s.config, s.secretKeys, { stack: "prod", reported: fluxReady() });
    });

    it("installs the pinned Flux release from its install.yaml", () => {
        expect(fetched).to.include(
            "https://github.com/fluxcd/flux2/releases/download/v2.9.5/install.yaml",
        );
        // The release's objects minus the controller outside Flux's default set, as they are but
        // for the await's token (tests/install-freshness.spec.ts).
        const expected = syntheticInstallObjects()
            .filter(
                (o) =>
                    o.metadata.labels?.["app.kubernetes.io/component"] !==
                    "image-reflector-controller",
            )
            .map((o) => withAppliedToken(o as KubeObject));
        expect(installObjects(run)).to.have.deep.members(expected);
        expect(installObjects(run)).to.have.length(expected.length);
    });

    it("keeps Flux's controllers and CRDs when the stack is destroyed", () => {
        const install = installResources(run);
        expect(install.map((r) => r.type)).to.include.members([
            "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
            "kubernetes:apps/v1:Deployment",
        ]);
        for (const r of install) expect(r.retainOnDelete, r.name).to.equal(true);
    });

    it("declares the infrastructure layer as the seed does", () => {
        const k = kustomization(run, "infrastructure");
        expect(k.inputs.metadata.namespace).to.equal("flux-system");
        expect(k.inputs.spec).to.deep.equal({
            interval: "10m0s",
            path: "./gitops/infrastructure",
            prune: true,
            sourceRef,
            decryption,
            healthChecks: [helmRelease("cert-manager", "cert-manager")],
        });
    });

    it("declares the databases layer after infrastructure, orphaning its workloads on deletion", () => {
        const k = kustomization(run, "databases");
        expect(k.inputs.metadata.namespace).to.equal("flux-system");
        expect(k.inputs.spec).to.deep.equal({
            interval: "10m0s",
            path: "./gitops/apps/databases",
            prune: true,
            sourceRef,
            decryption,
            dependsOn: [{ name: "infrastructure" }],
            healthChecks: [
                helmRelease("databases", "postgresql"),
                helmRelease("databases", "redis"),
            ],
            deletionPolicy: "Orphan",
        });
    });

    it("declares the apps layer after databases", () => {
        const k = kustomization(run, "apps");
        expect(k.inputs.metadata.namespace).to.equal("flux-system");
        expect(k.inputs.spec).to.deep.equal({
            interval: "10m0s",
            path: "./gitops/apps/applications",
            prune: true,
            sourceRef,
            decryption,
            dependsOn: [{ name: "databases" }],
            healthChecks: [helmRelease("authentik", "authentik")],
        });
    });

    it("declares exactly the three seed layers, nothing else Flux-typed", () => {
        const names = run.resources
            .filter((r) => r.type === KUSTOMIZATION)
            .map((r) => r.inputs.metadata.name);
        expect(names.sort()).to.deep.equal(["apps", "databases", "infrastructure"]);
    });

    it("makes pulumi up wait for every layer and the source to be Ready, within the configured timeout", () => {
        for (const r of [
            ...run.resources.filter((x) => x.type === KUSTOMIZATION),
            only(run, GIT_REPOSITORY),
        ]) {
            const a = r.inputs.metadata.annotations;
            const token = a["flux-gitops/applied"];
            expect(token, r.name).to.match(/^[0-9a-f]{16}$/);
            expect(a, r.name).to.deep.equal({
                "pulumi.com/waitFor": JSON.stringify([
                    "condition=Ready",
                    `jsonpath={.metadata.annotations['flux-gitops/applied']}=${token}`,
                ]),
                "pulumi.com/timeoutSeconds": "600",
                "flux-gitops/applied": token,
            });
        }
    });

    it("creates the sops-age Secret with the key under age.agekey, as a Pulumi secret", () => {
        const s = only(run, SECRET, "sops-age");
        expect(s.inputs.metadata.namespace).to.equal("flux-system");
        expect(Object.keys(s.inputs.data)).to.deep.equal(["age.agekey"]);
        const decoded = Buffer.from(s.inputs.data["age.agekey"], "base64").toString("utf8");
        expect(decoded).to.contain(ageKey);
        expect(isSecretMarked(s.serialized.data), "data is sent as a secret").to.equal(true);
    });

    it("declares the GitRepository of gotk-sync.yaml with its SSH auth Secret", () => {
        const repo = only(run, GIT_REPOSITORY);
        expect(repo.inputs.metadata).to.include({ name: "flux-system", namespace: "flux-system" });
        expect(repo.inputs.spec).to.deep.equal({
            interval: "1m0s",
            url: "ssh://git@github.com/acme-platform/cluster-gitops.git",
            ref: { branch: "main" },
            secretRef: { name: "flux-system" },
        });
        const auth = only(run, SECRET, "flux-system");
        expect(Object.keys(auth.inputs.data).sort()).to.deep.equal(["identity", "known_hosts"]);
        expect(Buffer.from(auth.inputs.data.identity, "base64").toString()).to.equal(sshIdentity);
        expect(isSecretMarked(auth.serialized.data)).to.equal(true);
    });

    it("creates nothing Flux-typed and no Secret before every object of the Flux install", () => {
        const install = installResources(run);
        expect(install.length).to.be.greaterThan(10);
        const fluxObjects = run.resources.filter(
            (r) => [KUSTOMIZATION, GIT_REPOSITORY, SECRET].includes(r.type) && !install.includes(r),
        );
        expect(fluxObjects).to.have.length(6);
        for (const r of fluxObjects) {
            // The controllers' Deployments among them, each awaited until rolled out.
            expect(waitsFor(run, r), r.name).to.include.members(install.map((i) => i.urn));
        }
    });

    it("creates every layer after the sops-age Secret, the Git source and the layers it depends on", () => {
        const secret = only(run, SECRET, "sops-age").urn;
        const repo = only(run, GIT_REPOSITORY).urn;
        const infra = kustomization(run, "infrastructure");
        const dbs = kustomization(run, "databases");
        const apps = kustomization(run, "apps");
        for (const k of [infra, dbs, apps]) {
            expect(k.dependencies, k.name).to.include.members([secret, repo]);
        }
        expect(dbs.dependencies).to.include(infra.urn);
        expect(apps.dependencies).to.include(dbs.urn);
        expect(waitsFor(run, infra)).to.not.include.members([dbs.urn, apps.urn]);
        expect(waitsFor(run, dbs)).to.not.include(apps.urn);
    });

    it("exports namespace, version, source, layer order, the age recipient and Flux's status", async () => {
        const age = await import("age-encryption");
        const applied = { ready: "True", lastAppliedRevision: HEAD };
        expect(run.outputs).to.deep.equal({
            fluxNamespace: "flux-system",
            fluxVersion: "v2.9.5",
            gitRepository: "flux-system",
            layers: ["infrastructure", "databases", "apps"],
            ageRecipients: [await age.identityToRecipient(ageKey)],
            layerStatus: { infrastructure: applied, databases: applied, apps: applied },
            sourceRevision: HEAD,
        });
    });

    it("sends no status: it is read back from Flux's objects, never declared", () => {
        for (const r of run.resources) {
            expect(Object.keys(r.serialized), r.name).to.not.include("status");
        }
    });

    it("never puts a secret into an unmarked input", () => {
        for (const r of run.resources) {
            const plain = JSON.stringify(unmarkedParts(r.serialized));
            expect(plain, r.name).to.not.contain(ageKey);
            expect(plain, r.name).to.not.contain(
                Buffer.from(ageKey).toString("base64").slice(0, 40),
            );
            expect(plain, r.name).to.not.contain("PRIVATE KEY");
        }
    });

    it("generates objects that validate against Flux's CRD schemas", () =>
        validatesAgainstFluxSchemas(run));
});

/** Every Kustomization and GitRepository of a run validates against the Flux CRD schemas. */
async function validatesAgainstFluxSchemas(run: ProgramRun): Promise<void> {
    const { Kustomization } =
        await import("@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1");
    const { GitRepository } =
        await import("@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1");
    const kustomizations = run.resources.filter((x) => x.type === KUSTOMIZATION);
    expect(kustomizations).to.have.length.greaterThan(0);
    for (const r of kustomizations) {
        expect(() => new Kustomization(r.inputs as any).validate(), r.name).to.not.throw();
    }
    expect(() =>
        new GitRepository(only(run, GIT_REPOSITORY).inputs as any).validate(),
    ).to.not.throw();
    // The validator has teeth: a deletionPolicy Flux does not know is rejected.
    const bad = {
        ...kustomizations[0].inputs,
        spec: { ...kustomizations[0].inputs.spec, deletionPolicy: "Keep" },
    };
    expect(() => new Kustomization(bad as any).validate()).to.throw();
}

/** The serialized inputs with every secret-marked part removed. */
function unmarkedParts(v: any): any {
    if (isSecretMarked(v)) return "[secret]";
    if (Array.isArray(v)) return v.map(unmarkedParts);
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unmarkedParts(x)]));
    }
    return v;
}

describe("the dev stack (Pulumi.dev.yaml as on disk)", () => {
    let run: ProgramRun;

    before(async () => {
        const s = await stackWithSecrets("dev");
        run = await runProgram(s.config, s.secretKeys, { stack: "dev" });
    });

    it("follows the dev branch, polling every 30s", () => {
        const repo = only(run, GIT_REPOSITORY);
        expect(repo.inputs.spec.ref).to.deep.equal({ branch: "dev" });
        expect(repo.inputs.spec.interval).to.equal("30s");
    });

    it("keeps the seed's layers and chain with shorter intervals and timeouts", () => {
        const infra = kustomization(run, "infrastructure").inputs.spec;
        const dbs = kustomization(run, "databases").inputs.spec;
        const apps = kustomization(run, "apps").inputs.spec;
        expect(infra).to.deep.equal({
            interval: "2m0s",
            path: "./gitops/infrastructure",
            prune: true,
            sourceRef,
            decryption,
            healthChecks: [helmRelease("cert-manager", "cert-manager")],
            timeout: "3m",
            retryInterval: "30s",
        });
        expect(dbs.dependsOn).to.deep.equal([{ name: "infrastructure" }]);
        expect(apps.dependsOn).to.deep.equal([{ name: "databases" }]);
        for (const spec of [infra, dbs, apps]) {
            expect(spec.decryption).to.deep.equal(decryption);
            expect(spec.interval).to.equal("2m0s");
        }
    });

    it("lets destroy delete dev databases, waiting until they are gone", () => {
        expect(kustomization(run, "databases").inputs.spec.deletionPolicy).to.equal(
            "WaitForTermination",
        );
    });

    it("generates objects that validate against Flux's CRD schemas", () =>
        validatesAgainstFluxSchemas(run));

    it("removes Flux itself on destroy", () => {
        const install = installResources(run);
        expect(install.length).to.be.greaterThan(10);
        for (const r of install) expect(r.retainOnDelete, r.name).to.equal(false);
    });

    it("waits 5 minutes for each layer", () => {
        for (const name of ["infrastructure", "databases", "apps"]) {
            expect(
                kustomization(run, name).inputs.metadata.annotations["pulumi.com/timeoutSeconds"],
            ).to.equal("300");
        }
    });
});

describe("stack variations", () => {
    let base: { config: Record<string, unknown>; secretKeys: string[] };
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    it("adds a layer, removes one and rewires dependsOn", async () => {
        let config = withValue(base.config, "layers", ["apps", "enabled"], false);
        config = withValue(config, "layers", ["monitoring"], {
            path: "./gitops/monitoring",
            dependsOn: ["infrastructure"],
            healthChecks: [{ name: "kube-prometheus-stack", namespace: "monitoring" }],
            suspend: false,
            targetNamespace: "monitoring",
            substitute: { cluster_name: "prod" },
        });
        const run = await runProgram(config, base.secretKeys);
        const names = run.resources
            .filter((r) => r.type === KUSTOMIZATION)
            .map((r) => r.inputs.metadata.name);
        expect(names.sort()).to.deep.equal(["databases", "infrastructure", "monitoring"]);
        expect(kustomization(run, "monitoring").inputs.spec).to.deep.equal({
            interval: "10m0s",
            path: "./gitops/monitoring",
            prune: true,
            sourceRef,
            decryption,
            dependsOn: [{ name: "infrastructure" }],
            healthChecks: [helmRelease("monitoring", "kube-prometheus-stack")],
            suspend: false,
            targetNamespace: "monitoring",
            postBuild: { substitute: { cluster_name: "prod" } },
        });
        expect(run.outputs.layers).to.deep.equal(["infrastructure", "databases", "monitoring"]);
    });

    it("reports a layer that is not Ready, and nothing yet before Flux has reported", async () => {
        const failing = await runProgram(base.config, base.secretKeys, {
            reported: fluxReady(["apps"]),
        });
        expect(failing.outputs.layerStatus).to.deep.equal({
            infrastructure: { ready: "True", lastAppliedRevision: HEAD },
            databases: { ready: "True", lastAppliedRevision: HEAD },
            apps: { ready: "False", lastAppliedRevision: null },
        });
        const unread = await runProgram(base.config, base.secretKeys);
        const unknown = { ready: "Unknown", lastAppliedRevision: null };
        expect(unread.outputs.layerStatus).to.deep.equal({
            infrastructure: unknown,
            databases: unknown,
            apps: unknown,
        });
        expect(unread.outputs.sourceRevision).to.equal(null);
    });

    it("orders layers by dependency whatever the order they are written in", async () => {
        // `early` is written after the seed layers but infrastructure now depends on it.
        let config = withValue(base.config, "layers", ["early"], { path: "./gitops/early" });
        config = withValue(config, "layers", ["infrastructure", "dependsOn"], ["early"]);
        const run = await runProgram(config, base.secretKeys);
        expect(run.outputs.layers).to.deep.equal(["early", "infrastructure", "databases", "apps"]);
        expect(kustomization(run, "infrastructure").dependencies).to.include(
            kustomization(run, "early").urn,
        );
    });

    it("does not wait for Ready when readiness is off, nor for a suspended layer", async () => {
        let config = withValue(base.config, "readiness", ["enabled"], false);
        let run = await runProgram(config, base.secretKeys);
        for (const r of run.resources.filter(
            (x) => x.type === KUSTOMIZATION || x.type === GIT_REPOSITORY,
        )) {
            expect(r.inputs.metadata.annotations ?? {}, r.name).to.deep.equal({});
        }
        config = withValue(base.config, "layers", ["apps", "suspend"], true);
        run = await runProgram(config, base.secretKeys);
        expect(kustomization(run, "apps").inputs.metadata.annotations ?? {}).to.deep.equal({});
        expect(kustomization(run, "databases").inputs.metadata.annotations).to.have.property(
            "pulumi.com/waitFor",
        );
    });

    it("uses a per-layer readiness timeout", async () => {
        const config = withValue(base.config, "layers", ["databases", "readinessTimeout"], "25m");
        const run = await runProgram(config, base.secretKeys);
        expect(
            kustomization(run, "databases").inputs.metadata.annotations[
                "pulumi.com/timeoutSeconds"
            ],
        ).to.equal("1500");
        expect(
            kustomization(run, "apps").inputs.metadata.annotations["pulumi.com/timeoutSeconds"],
        ).to.equal("600");
    });

    it("installs from a local manifest file and follows a tag over https with a token", async () => {
        const [gitRepositories, kustomizations, , namespace] = syntheticInstallObjects();
        const objects = [gitRepositories, kustomizations, namespace];
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "flux-")), "install.yaml");
        fs.writeFileSync(file, syntheticInstallManifest(objects));
        let config = withValue(base.config, "flux", ["manifest"], file);
        config = withValue(config, "git", [], {
            url: "https://git.example.test/platform/gitops.git",
            ref: { tag: "v1.2.3" },
            auth: "bearer",
        });
        config = withValue(config, "gitSshIdentity", [], undefined);
        config = withValue(config, "gitKnownHosts", [], undefined);
        config = withValue(config, "gitBearerToken", [], "t0ken-value");
        const run = await runProgram(config, [`${P}:ageKey`, `${P}:gitBearerToken`]);
        expect(installObjects(run)).to.have.deep.members(objects);
        expect(installObjects(run)).to.have.length(objects.length);
        expect(only(run, GIT_REPOSITORY).inputs.spec).to.deep.equal({
            interval: "1m0s",
            url: "https://git.example.test/platform/gitops.git",
            ref: { tag: "v1.2.3" },
            secretRef: { name: "flux-system" },
        });
        const auth = only(run, SECRET, "flux-system");
        expect(auth.inputs.data).to.deep.equal({
            bearerToken: Buffer.from("t0ken-value").toString("base64"),
        });
    });

    it("declares no auth Secret for a public repository", async () => {
        let config = withValue(
            base.config,
            "git",
            ["url"],
            "https://git.example.test/public/gitops.git",
        );
        config = withValue(config, "gitSshIdentity", [], undefined);
        config = withValue(config, "gitKnownHosts", [], undefined);
        const run = await runProgram(config, [`${P}:ageKey`]);
        expect(
            run.resources.filter((r) => r.type === SECRET).map((r) => r.inputs.metadata.name),
        ).to.deep.equal(["sops-age"]);
        expect(only(run, GIT_REPOSITORY).inputs.spec).to.not.have.property("secretRef");
    });

    it("rejects bad config with a ConfigError before registering any resource", async () => {
        const config = withValue(base.config, "layers", ["databases", "interval"], "10 minutes");
        let caught: unknown;
        const runP = runProgram(config, base.secretKeys, { stack: "prod" });
        try {
            await runP;
        } catch (e) {
            caught = e;
        }
        expect(caught).to.be.instanceOf(ConfigError);
        expect((caught as Error).message).to.contain(
            '`flux-gitops:layers.databases.interval` is "10 minutes"',
        );
    });
});
