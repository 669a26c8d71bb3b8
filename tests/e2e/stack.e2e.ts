/**
 * End to end: the program run by the real Pulumi CLI (Automation API inline mode: the CLI's
 * engine and the real kubernetes provider, the program served from this process because
 * pulumi-language-nodejs cannot be built from the Go proxy) against a real API server with
 * real Flux controllers. run.sh sets up the toolchain, the cluster and the Git server.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { runProgram } from "../helpers/mocks";
import {
    fluxStatus,
    getObject,
    kubectl,
    readyCondition,
    waitUntil,
} from "../integration/helpers/kube";
import {
    env,
    loopbackStackConfig,
    publishFixtureRepo,
    withFastRetries,
    writeInstallManifest,
} from "../integration/helpers/loopback";

const P = "flux-gitops";
const NS = "flux-system";
const IT = path.join(__dirname, "..", "integration");
const LAYERS = ["infrastructure", "databases", "apps"];

/** Starts Flux's controllers once the CRDs exist, as their Deployments would start after install. */
function startFluxWhenInstalled(): ChildProcess {
    return spawn("bash", [path.join(IT, "flux", "up.sh")], {
        env: { ...process.env, FLUX_CRDS_FROM_CLUSTER: "1" },
        stdio: "inherit",
    });
}

function exited(p: ChildProcess): Promise<number> {
    return new Promise((resolve) =>
        p.exitCode !== null ? resolve(p.exitCode) : p.on("exit", (c) => resolve(c ?? 1)),
    );
}

const ready = (name: string) => readyCondition(getObject("kustomization", NS, name));
const allReady = () => LAYERS.every((l) => ready(l)?.status === "True");

describe("pulumi preview / up / refresh / destroy against a real cluster", function () {
    this.timeout(20 * 60 * 1000);
    const dir = env("E2E_DIR");
    let stack: Stack;
    let config: Record<string, unknown>;
    let ageKey: string;
    let sshIdentity: string;
    const cliOutput: string[] = [];
    const onOutput = (s: string) => cliOutput.push(s);
    let rawSeconds = 0;
    let devConfig: Record<string, unknown>;

    /** Sets the stack's config the way README tells users to: objects by value, secrets with --secret. */
    async function configure(c: Record<string, unknown>, target: Stack = stack): Promise<void> {
        const secrets = new Set([`${P}:ageKey`, `${P}:gitSshIdentity`]);
        const values = Object.fromEntries(
            Object.entries(c).map(([k, v]) => [
                k,
                { value: typeof v === "string" ? v : JSON.stringify(v), secret: secrets.has(k) },
            ]),
        );
        await target.setAllConfig(values);
    }

    before(async () => {
        const age = await import("age-encryption");
        ageKey = await age.generateX25519Identity();
        // The dev stack follows branch dev, prod branch main.
        const url = publishFixtureRepo(
            await age.identityToRecipient(ageKey),
            path.join(dir, "repo"),
            ["dev", "main"],
        );
        const manifest = writeInstallManifest(path.join(dir, "flux-install.yaml"));
        sshIdentity = fs.readFileSync(env("GIT_SSH_IDENTITY"), "utf8");
        devConfig = loopbackStackConfig("dev", { url, manifest, ageKey });
        config = withFastRetries(loopbackStackConfig("prod", { url, manifest, ageKey }), {
            retryInterval: "5s",
            timeout: "1m",
            readinessTimeout: "3m",
        });
    });

    it("baseline: raw Flux (kubectl apply of the identical objects) reaches Ready", async () => {
        const run = await runProgram(config, [`${P}:ageKey`, `${P}:gitSshIdentity`], {
            stack: "raw",
        });
        const objects = run.resources
            .filter((r) => r.inputs.apiVersion !== undefined && r.inputs.kind !== undefined)
            .map((r) => stringify(r.inputs));
        const start = Date.now();
        const flux = startFluxWhenInstalled();
        const manifest = (config[`${P}:flux`] as { manifest: string }).manifest;
        kubectl(["apply", "--server-side", "-f", manifest]);
        kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);
        kubectl(["apply", "--server-side", "-f", "-"], objects.join("---\n"));
        expect(await exited(flux)).to.equal(0);
        await waitUntil(
            "raw Flux: all layers Ready",
            () => (allReady() ? true : undefined),
            5 * 60 * 1000,
            () => fluxStatus(NS),
        );
        rawSeconds = (Date.now() - start) / 1000;
        console.log(`      raw Flux: all layers Ready after ${rawSeconds.toFixed(1)}s`);
        // A fresh cluster for Pulumi (the Git server keeps running).
        execFileSync("bash", [path.join(IT, "flux", "down.sh")]);
        execFileSync("bash", [path.join(IT, "cluster", "down.sh")]);
        execFileSync("bash", [path.join(IT, "cluster", "up.sh")]);
    });

    it("previews a fresh cluster without creating anything", async () => {
        const program = require("../../index");
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "e2e", projectName: P, program },
            {
                workDir: dir,
                envVars: { PULUMI_CONFIG_PASSPHRASE: env("PULUMI_CONFIG_PASSPHRASE") },
                secretsProvider: "passphrase",
            },
        );
        await configure(config);
        const preview = await stack.preview({ onOutput });
        console.log(`      preview: ${JSON.stringify(preview.changeSummary)}`);
        // Stack, 4 components, ConfigFile, 2 Secrets, GitRepository, 3 Kustomizations at least.
        expect(preview.changeSummary.create ?? 0).to.be.at.least(12);
        expect(getObject("namespace", "", NS), "preview created the namespace").to.equal(undefined);
        expect(() =>
            kubectl(["get", "crd", "kustomizations.kustomize.toolkit.fluxcd.io"]),
        ).to.throw();
    });

    it("pulumi up creates everything and returns once every layer is Ready", async () => {
        const start = Date.now();
        const flux = startFluxWhenInstalled();
        const up = await stack.up({ onOutput });
        const seconds = (Date.now() - start) / 1000;
        expect(await exited(flux)).to.equal(0);
        expect(up.summary.result).to.equal("succeeded");
        // No polling here: when up returns, Flux must already report Ready.
        for (const l of LAYERS) expect(ready(l)?.status, l).to.equal("True");
        const since = (l: string) => Date.parse(ready(l)!.lastTransitionTime!);
        expect(since("databases")).to.be.at.least(since("infrastructure"));
        expect(since("apps")).to.be.at.least(since("databases"));
        const secret = getObject("secret", "databases", "database-credentials");
        expect(Buffer.from(secret.data["postgresql-password"], "base64").toString()).to.equal(
            "fixture-postgresql-password",
        );
        const ratio = seconds / rawSeconds;
        console.log(
            `      pulumi up: ${seconds.toFixed(1)}s; raw Flux ${rawSeconds.toFixed(1)}s; up/raw ${ratio.toFixed(2)}`,
        );
        expect(up.outputs.layers.value).to.deep.equal(LAYERS);
    });

    it("reports zero changes on a second preview and up, and no drift on refresh", async () => {
        const preview = await stack.preview({ onOutput, diff: true });
        const changes = (s: Record<string, number | undefined>) =>
            ["create", "update", "delete", "replace"].reduce((n, k) => n + (s[k] ?? 0), 0);
        expect(
            changes(preview.changeSummary),
            JSON.stringify(preview.changeSummary) + preview.stdout,
        ).to.equal(0);
        const up = await stack.up({ onOutput });
        expect(
            changes(up.summary.resourceChanges ?? {}),
            JSON.stringify(up.summary.resourceChanges),
        ).to.equal(0);
        const refresh = await stack.refresh({ onOutput });
        expect(
            changes(refresh.summary.resourceChanges ?? {}),
            JSON.stringify(refresh.summary.resourceChanges),
        ).to.equal(0);
    });

    it("keeps the age key and the Git credentials out of state, outputs and CLI output in plain text", async () => {
        const exported = JSON.stringify(await stack.exportStack());
        const outputs = JSON.stringify(await stack.outputs());
        const keyB64 = Buffer.from(ageKey).toString("base64");
        const sshBody = sshIdentity.split("\n")[1];
        // The Automation API exports with secrets decrypted: there, each must sit in a secret envelope.
        const exportedObject = JSON.parse(exported);
        const sshB64 = Buffer.from(sshIdentity).toString("base64");
        for (const needle of [ageKey, keyB64, sshBody, sshB64]) {
            for (const p of pathsContaining(exportedObject, needle)) {
                expect(p, "a secret outside a secret envelope").to.match(/\.plaintext$/);
            }
        }
        // The check looks where the Secret data is: the key is there, inside envelopes.
        expect(pathsContaining(exportedObject, keyB64)).to.have.length.greaterThan(0);
        for (const [where, text] of [
            ["stack outputs", outputs],
            ["CLI output", cliOutput.join("")],
            ["state files", readAll(path.join(dir, "state"))],
        ] as const) {
            expect(text, where).to.not.contain(ageKey);
            expect(text, where).to.not.contain(keyB64.slice(0, 40));
            expect(text, where).to.not.contain(sshBody);
        }
        expect(outputs).to.contain("age1");
    });

    it("applies a config change as an in-place update of that one object", async () => {
        const layers = JSON.parse(JSON.stringify(config[`${P}:layers`]));
        layers.apps.interval = "5m0s";
        config = { ...config, [`${P}:layers`]: layers };
        await configure(config);
        const preview = await stack.preview({ onOutput });
        expect(preview.changeSummary.update, JSON.stringify(preview.changeSummary)).to.equal(1);
        expect(preview.changeSummary.replace ?? 0).to.equal(0);
        const up = await stack.up({ onOutput });
        expect(up.summary.resourceChanges?.update).to.equal(1);
        expect(getObject("kustomization", NS, "apps").spec.interval).to.equal("5m0s");
    });

    it("survives kustomize-controller dying during pulumi up: the run ends clearly and a re-run converges", async () => {
        const layers = JSON.parse(JSON.stringify(config[`${P}:layers`]));
        layers.databases.retryInterval = "7s";
        config = { ...config, [`${P}:layers`]: layers };
        await configure(config);
        const pidFile = path.join(env("FLUX_DIR"), "pids", "kustomize-controller.pid");
        const upRun = stack.up({ onOutput }).then(
            (r) => `succeeded (${r.summary.result})`,
            (e) =>
                `failed: ${
                    String(e)
                        .split("\n")
                        .find((l) => /error|timed out|failed/i.test(l)) ?? String(e).slice(0, 200)
                }`,
        );
        await new Promise((r) => setTimeout(r, 1500));
        process.kill(Number(fs.readFileSync(pidFile, "utf8").trim()), "SIGKILL");
        await new Promise((r) => setTimeout(r, 10000));
        expect(await exited(startFluxWhenInstalled())).to.equal(0);
        console.log(`      up with a killed controller: ${await upRun}`);
        const rerun = await stack.up({ onOutput });
        expect(rerun.summary.result).to.equal("succeeded");
        // A re-run with nothing left to change does not wait; the restarted controller catches up.
        await waitUntil(
            "all layers Ready again",
            () => (allReady() ? true : undefined),
            120000,
            () => fluxStatus(NS),
        );
        expect(getObject("kustomization", NS, "databases").spec.retryInterval).to.equal("7s");
        expect(getObject("configmap", "databases", "postgresql-tiny"), "nothing lost").to.not.equal(
            undefined,
        );
    });

    it("fails pulumi up with Flux's message when a layer cannot become Ready, and converges once fixed", async () => {
        const good = config;
        const layers = JSON.parse(JSON.stringify(config[`${P}:layers`]));
        layers.databases.healthChecks.push({
            kind: "HelmRelease",
            name: "never-ready",
            namespace: "databases",
        });
        Object.assign(layers.databases, { timeout: "15s", readinessTimeout: "90s" });
        await configure({ ...config, [`${P}:layers`]: layers });
        const start = Date.now();
        let error: unknown;
        try {
            await stack.up({ onOutput });
        } catch (e) {
            error = e;
        }
        const seconds = (Date.now() - start) / 1000;
        expect(error, "up should fail").to.not.equal(undefined);
        const message = String(error);
        console.log(
            `      failed after ${seconds.toFixed(0)}s: ${message
                .split("\n")
                .filter((l) => /never-ready/.test(l))[0]
                ?.trim()}`,
        );
        expect(message).to.match(/never-ready/);
        expect(seconds).to.be.lessThan(180);
        await configure(good);
        const up = await stack.up({ onOutput });
        expect(up.summary.result).to.equal("succeeded");
        expect(allReady()).to.equal(true);
    });

    it("pulumi destroy of the prod stack leaves the databases layer's workloads and Flux in place", async () => {
        await stack.destroy({ onOutput });
        for (const l of LAYERS) expect(getObject("kustomization", NS, l), l).to.equal(undefined);
        for (const name of ["postgresql", "redis"]) {
            expect(getObject("helmrelease", "databases", name), `HelmRelease ${name}`).to.not.equal(
                undefined,
            );
            expect(
                getObject("configmap", "databases", `${name}-tiny`),
                `workload of ${name}`,
            ).to.not.equal(undefined);
        }
        expect(getObject("secret", "databases", "database-credentials")).to.not.equal(undefined);
        kubectl(["get", "crd", "helmreleases.helm.toolkit.fluxcd.io"]);
        // Layers with the default policy are pruned.
        await waitUntil(
            "authentik to be pruned",
            () => (getObject("helmrelease", "authentik", "authentik") ? undefined : true),
            120000,
        );
    });

    it("pulumi destroy of a dev-like stack removes what its policy says: the databases and Flux itself", async () => {
        const program = require("../../index");
        const dev = await LocalWorkspace.createOrSelectStack(
            { stackName: "e2e-dev", projectName: P, program },
            {
                workDir: dir,
                envVars: { PULUMI_CONFIG_PASSPHRASE: env("PULUMI_CONFIG_PASSPHRASE") },
                secretsProvider: "passphrase",
            },
        );
        await configure(devConfig, dev);
        const up = await dev.up({ onOutput });
        expect(up.summary.result).to.equal("succeeded");
        expect(allReady()).to.equal(true);
        expect(getObject("kustomization", NS, "databases").spec.deletionPolicy).to.equal(
            "WaitForTermination",
        );
        const start = Date.now();
        await dev.destroy({ onOutput });
        console.log(`      dev destroy: ${((Date.now() - start) / 1000).toFixed(1)}s`);
        for (const name of ["postgresql", "redis"]) {
            expect(
                getObject("configmap", "databases", `${name}-tiny`),
                `workload of ${name}`,
            ).to.equal(undefined);
        }
        await waitUntil(
            "Flux's CRDs to be removed",
            () => (kubectl(["get", "crd", "-o", "name"]).includes("fluxcd.io") ? undefined : true),
            120000,
        );
    });
});

/** JSON paths of the string values that contain `needle`. */
function pathsContaining(v: unknown, needle: string, at = "$"): string[] {
    if (typeof v === "string") return v.includes(needle) ? [at] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => pathsContaining(x, needle, `${at}[${i}]`));
    if (typeof v === "object" && v !== null) {
        return Object.entries(v).flatMap(([k, x]) => pathsContaining(x, needle, `${at}.${k}`));
    }
    return [];
}

function readAll(dir: string): string {
    let out = "";
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        out += e.isDirectory() ? readAll(p) : fs.readFileSync(p, "utf8");
    }
    return out;
}
