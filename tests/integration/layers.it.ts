/**
 * Integration: the objects the program declares for a prod-like stack, applied
 * with kubectl to a real API server with real Flux controllers (run.sh starts
 * them), against a fixture GitOps repository served over SSH on loopback.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { objectsBesidesInstall } from "../helpers/install";
import { runProgram } from "../helpers/mocks";
import {
    fluxStatus,
    getObject,
    kubectl,
    readyCondition,
    requestReconcile,
    waitUntil,
} from "./helpers/kube";
import {
    loopbackStackConfig,
    publish,
    publishFixtureRepo,
    withFastRetries,
    writeInstallManifest,
} from "./helpers/loopback";

const NS = "flux-system";
const P = "flux-gitops";
const HERE = __dirname;
const LAYERS = ["infrastructure", "databases", "apps"];

/** The plain Secrets of the fixture tree, before make-repo.sh encrypts them. */
function fixtureSecrets(): { namespace: string; name: string; data: Record<string, string> }[] {
    const root = path.join(HERE, "fixtures", "gitops", "gitops");
    const files = execFileSync("find", [root, "-name", "secret.yaml"], { encoding: "utf8" })
        .trim()
        .split("\n");
    return files.map((f) => {
        const doc = parse(fs.readFileSync(f, "utf8"));
        return { namespace: doc.metadata.namespace, name: doc.metadata.name, data: doc.stringData };
    });
}

describe("Flux layers on a real control plane", function () {
    this.timeout(15 * 60 * 1000);

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-it-"));
    const repo = path.join(tmp, "repo");
    let baseConfig: Record<string, unknown>;
    let ageKey: string;
    const secretKeys = [`${P}:ageKey`, `${P}:gitSshIdentity`];

    /** Runs the program under mocks for `config` and applies what it declares (but the install). */
    async function deploy(config: Record<string, unknown>): Promise<void> {
        const run = await runProgram(config, secretKeys, { stack: "integration" });
        const docs = objectsBesidesInstall(run).map((o) => stringify(o));
        expect(docs.length).to.equal(6);
        kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], docs.join("---\n"));
    }

    /** Commits a change to the fixture repository and pushes it to the Git server. */
    function push(message: string, change: () => void): void {
        change();
        const git = (...args: string[]) =>
            execFileSync(
                "git",
                ["-c", "user.name=it", "-c", "user.email=it@flux-gitops.invalid", ...args],
                {
                    cwd: repo,
                },
            );
        git("add", "-A");
        git("commit", "-q", "-m", message);
        publish(repo);
        requestReconcile("gitrepository", NS, "flux-system");
    }

    function addToLayer(dir: string, file: string, manifest: object): void {
        const layerDir = path.join(repo, "gitops", dir);
        fs.writeFileSync(path.join(layerDir, file), stringify(manifest));
        const k = path.join(layerDir, "kustomization.yaml");
        const doc = parse(fs.readFileSync(k, "utf8"));
        doc.resources.push(file);
        fs.writeFileSync(k, stringify(doc));
    }

    const configMap = (namespace: string, name: string) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace },
        data: { canary: "true" },
    });

    function ready(name: string) {
        return readyCondition(getObject("kustomization", NS, name));
    }

    before(async () => {
        const age = await import("age-encryption");
        ageKey = await age.generateX25519Identity();
        const url = publishFixtureRepo(await age.identityToRecipient(ageKey), repo);
        const manifest = writeInstallManifest(path.join(tmp, "flux-install.yaml"));
        // The prod stack as on disk, pointed at the loopback repository, with short retries.
        baseConfig = withFastRetries(loopbackStackConfig("prod", { url, manifest, ageKey }), {
            retryInterval: "5s",
            timeout: "1m",
        });
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("brings the three layers to Ready in dependency order", async () => {
        const start = Date.now();
        await deploy(baseConfig);
        const readyAt: Record<string, number> = {};
        await waitUntil(
            "all layers Ready",
            () => {
                for (const l of LAYERS) {
                    if (readyAt[l] === undefined && ready(l)?.status === "True")
                        readyAt[l] = Date.now();
                }
                return LAYERS.every((l) => readyAt[l] !== undefined) ? true : undefined;
            },
            5 * 60 * 1000,
            () => fluxStatus(NS),
        );
        const seconds = (l: string) => ((readyAt[l] - start) / 1000).toFixed(1);
        console.log(`      Ready after: ${LAYERS.map((l) => `${l} ${seconds(l)}s`).join(", ")}`);
        expect(readyAt.infrastructure).to.be.at.most(readyAt.databases);
        expect(readyAt.databases).to.be.at.most(readyAt.apps);
        // Flux's own record agrees: each layer turned Ready no earlier than the one it depends on.
        const since = (l: string) => Date.parse(ready(l)!.lastTransitionTime!);
        expect(since("databases")).to.be.at.least(since("infrastructure"));
        expect(since("apps")).to.be.at.least(since("databases"));
        for (const [ns, name] of [
            ["cert-manager", "cert-manager"],
            ["databases", "postgresql"],
            ["databases", "redis"],
            ["authentik", "authentik"],
        ]) {
            expect(
                readyCondition(getObject("helmrelease", ns, name))?.status,
                `${ns}/${name}`,
            ).to.equal("True");
        }
    });

    it("decrypts the SOPS Secrets of every layer", () => {
        const secrets = fixtureSecrets();
        expect(secrets.map((s) => s.namespace).sort()).to.deep.equal([
            "authentik",
            "cert-manager",
            "databases",
        ]);
        for (const s of secrets) {
            const live = getObject("secret", s.namespace, s.name);
            expect(live, `${s.namespace}/${s.name}`).to.not.equal(undefined);
            const decoded = Object.fromEntries(
                Object.entries(live.data as Record<string, string>).map(([k, v]) => [
                    k,
                    Buffer.from(v, "base64").toString(),
                ]),
            );
            expect(decoded).to.deep.equal(s.data);
        }
    });

    it("holds back the apps layer while a databases health check cannot pass", async () => {
        push("apps: add a canary", () =>
            addToLayer("apps/applications", "canary.yaml", configMap("authentik", "canary")),
        );
        const failing = JSON.parse(JSON.stringify(baseConfig));
        failing[`${P}:layers`].databases.healthChecks.push({
            kind: "HelmRelease",
            name: "never-ready",
            namespace: "databases",
        });
        failing[`${P}:layers`].databases.timeout = "15s";
        await deploy(failing);

        const dbs = await waitUntil(
            "databases to report its failed health check",
            () => {
                const c = ready("databases");
                return c?.status === "False" && /never-ready/.test(c.message ?? "") ? c : undefined;
            },
            3 * 60 * 1000,
            () => fluxStatus(NS),
        );
        console.log(`      databases: ${dbs.reason}: ${dbs.message}`);
        requestReconcile("kustomization", NS, "apps");
        const apps = await waitUntil(
            "apps to wait for databases",
            () => {
                const c = ready("apps");
                return c?.status === "False" && /dependency.*databases/.test(c.message ?? "")
                    ? c
                    : undefined;
            },
            3 * 60 * 1000,
            () => fluxStatus(NS),
        );
        console.log(`      apps: ${apps.reason}: ${apps.message}`);
        expect(
            getObject("configmap", "authentik", "canary"),
            "canary applied past a failing dependency",
        ).to.equal(undefined);

        // Fixing the config converges, and the held-back change arrives.
        await deploy(baseConfig);
        await waitUntil(
            "the canary after the fix",
            () => getObject("configmap", "authentik", "canary"),
            3 * 60 * 1000,
            () => fluxStatus(NS),
        );
        await waitUntil(
            "apps Ready after the fix",
            () => (ready("apps")?.status === "True" ? true : undefined),
            3 * 60 * 1000,
        );
    });

    it("fails a layer on a wrong age key and applies nothing from it", async () => {
        const age = await import("age-encryption");
        push("infrastructure: add a canary", () =>
            addToLayer("infrastructure", "canary.yaml", configMap("cert-manager", "canary-infra")),
        );
        await deploy({ ...baseConfig, [`${P}:ageKey`]: await age.generateX25519Identity() });
        requestReconcile("kustomization", NS, "infrastructure");
        const c = await waitUntil(
            "infrastructure to report the decryption failure",
            () => {
                const r = ready("infrastructure");
                return r?.status === "False" && /decrypt/i.test(r.message ?? "") ? r : undefined;
            },
            3 * 60 * 1000,
            () => fluxStatus(NS),
        );
        console.log(`      infrastructure: ${c.reason}: ${c.message?.slice(0, 200)}`);
        expect(
            getObject("configmap", "cert-manager", "canary-infra"),
            "applied despite failed decryption",
        ).to.equal(undefined);

        await deploy(baseConfig);
        requestReconcile("kustomization", NS, "infrastructure");
        await waitUntil(
            "the infrastructure canary with the right key",
            () => getObject("configmap", "cert-manager", "canary-infra"),
            3 * 60 * 1000,
            () => fluxStatus(NS),
        );
    });
});
