/**
 * End to end, as users run it: the documented set-up and deploy commands (README.md, the
 * sections named in DOCUMENTED of helpers/readme.ts), through the real `pulumi`
 * CLI and Node.js language host, in a copy of the project directory (its Pulumi.yaml,
 * tsconfig.json and stack files), against a real API server with Flux's controllers and the
 * loopback Git server. run.sh sets up the toolchain, the cluster and the Git server.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { getObject, kubectl, waitUntil } from "../integration/helpers/kube";
import { env, publishFixtureRepo, writeInstallManifest } from "../integration/helpers/loopback";
import {
    LAYERS,
    NS,
    allReady,
    exited,
    freshCluster,
    killKustomizeController,
    startFluxWhenInstalled,
    waitAllReady,
} from "./helpers/cluster";
import {
    deployCommands,
    expectReadyInOrder,
    setUpCommands,
    upWithFlux,
} from "./helpers/documented";
import { ProjectCopy } from "./helpers/pulumi-cli";
import { expectNoLeaks } from "./helpers/leaks";
import { docSectionText, DOCUMENTED } from "./helpers/readme";

describe("README's commands through the pulumi CLI in a copy of the project", function () {
    this.timeout(20 * 60 * 1000);
    const dir = env("E2E_DIR");
    let project: ProjectCopy;
    let url: string;
    let manifest: string;
    let ageKey: string;
    let recipient: string;
    let sshIdentity: string;
    /** Pulumi.prod.yaml right after the documented set-up, to return to the committed settings. */
    let prodSetUp: string;

    before(async () => {
        freshCluster();
        const age = await import("age-encryption");
        ageKey = await age.generateX25519Identity();
        recipient = await age.identityToRecipient(ageKey);
        // The dev stack follows branch dev, prod branch main.
        url = publishFixtureRepo(recipient, path.join(dir, "repo"), ["dev", "main"]);
        manifest = writeInstallManifest(path.join(dir, "flux-install.yaml"));
        sshIdentity = fs.readFileSync(env("GIT_SSH_IDENTITY"), "utf8");
        project = ProjectCopy.create(path.join(dir, "project"));
        // Named as the README's set-up names them; laid out as age-keygen writes its file.
        project.writeFile(
            "age.agekey",
            `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${ageKey}\n`,
        );
        project.writeFile("flux-deploy-key", sshIdentity);
    });

    it("README set-up: stack select and config set keep the secrets encrypted in the stack file", async () => {
        await project.runAll(setUpCommands("prod", url, manifest));
        prodSetUp = project.stackFile("prod");
        expect(prodSetUp).to.match(/flux-gitops:ageKey:\s+secure: /);
        expect(prodSetUp).to.match(/flux-gitops:gitSshIdentity:\s+secure: /);
        expect(prodSetUp).to.not.contain(ageKey);
        expect(prodSetUp).to.not.contain(sshIdentity.split("\n")[1]);
        expect(prodSetUp).to.contain(url);
    });

    it("rejects a bad config value through the CLI: the program's message, no stack trace, nothing created", async () => {
        await project.run("pulumi config set --path git.url git@github.com:org/repo.git");
        const bad = await project.run("pulumi preview --stack prod", { allowFailure: true });
        fs.writeFileSync(path.join(project.dir, "Pulumi.prod.yaml"), prodSetUp);
        expect(bad.code).to.not.equal(0);
        // The documented form (docs/troubleshooting.md): `flux-gitops:<key>` is <value>: expected <form>
        expect(bad.output).to.match(
            /`flux-gitops:git\.url` is "git@github\.com:org\/repo\.git": expected /,
        );
        expect(bad.output, "a stack trace").to.not.match(/^\s+at .+:\d+:\d+\)?$/m);
        expect(getObject("namespace", "", NS), "nothing created").to.equal(undefined);
    });

    it("README deploy: preview creates nothing; up returns once every layer is Ready, in order; the recipient is output", async () => {
        const commands = deployCommands("prod");
        expect(commands.map((c) => c.split(" ").slice(0, 3).join(" "))).to.deep.equal([
            "pulumi preview --stack",
            "pulumi up --stack",
            "pulumi stack output",
        ]);
        const preview = await project.run(commands[0]);
        expect(preview.output).to.match(/\+ 1[2-9] to create|\+ [2-9]\d to create/);
        expect(getObject("namespace", "", NS), "preview created the namespace").to.equal(undefined);
        expect(() =>
            kubectl(["get", "crd", "kustomizations.kustomize.toolkit.fluxcd.io"]),
        ).to.throw();

        await upWithFlux(project, commands[1], "5s");
        expectReadyInOrder();
        const secret = getObject("secret", "databases", "database-credentials");
        expect(Buffer.from(secret.data["postgresql-password"], "base64").toString()).to.equal(
            "fixture-postgresql-password",
        );
        const output = await project.run(commands[2]);
        expect(JSON.parse(output.stdout)).to.deep.equal([recipient]);
    });

    it("reports zero changes on a second preview and up, and no drift on refresh", async () => {
        await project.runAll([
            "pulumi preview --stack prod --expect-no-changes",
            "pulumi up --stack prod --expect-no-changes",
            "pulumi refresh --stack prod --expect-no-changes",
        ]);
    });

    it("keeps the age key and the Git credentials out of state, outputs, stack file and CLI output in plain text", async () => {
        const outputs = await expectNoLeaks(project, dir, "prod", [
            ageKey,
            sshIdentity.split("\n")[1],
        ]);
        expect(outputs.ageRecipients).to.deep.equal([recipient]);
    });

    it("applies README's config example (layers.apps.interval) as an in-place update of that one object", async () => {
        const example = "pulumi config set --path 'layers.apps.interval' 5m";
        expect(docSectionText(DOCUMENTED.configExample)).to.contain(example);
        await project.run(example);
        const preview = JSON.parse(
            (await project.run("pulumi preview --stack prod --json")).stdout,
        );
        expect(preview.changeSummary, JSON.stringify(preview.changeSummary)).to.include({
            update: 1,
        });
        for (const k of ["create", "delete", "replace"])
            expect(preview.changeSummary[k] ?? 0, k).to.equal(0);
        const result = await project.run("pulumi up --stack prod");
        expect(result.output).to.match(/\b1 updated\b/);
        expect(getObject("kustomization", NS, "apps").spec.interval).to.equal("5m");
    });

    it("survives kustomize-controller dying during pulumi up: the run ends clearly and a re-run converges", async () => {
        await project.run("pulumi config set --path layers.databases.retryInterval 7s");
        const running = project.run("pulumi up --stack prod", { allowFailure: true });
        // Mid-run: the CLI has applied the change and is waiting for Flux to report Ready.
        await waitUntil(
            "pulumi up to apply the databases change",
            () =>
                getObject("kustomization", NS, "databases")?.spec.retryInterval === "7s"
                    ? true
                    : undefined,
            120000,
        );
        killKustomizeController();
        await new Promise((r) => setTimeout(r, 10000));
        expect(await exited(startFluxWhenInstalled())).to.equal(0);
        const first = await running;
        console.log(
            `      up with a killed controller: exit ${first.code} after ${first.seconds.toFixed(1)}s`,
        );
        await project.run("pulumi up --stack prod");
        // A re-run with nothing left to change does not wait; the restarted controller catches up.
        await waitAllReady("all layers Ready again", 120000);
        expect(getObject("kustomization", NS, "databases").spec.retryInterval).to.equal("7s");
        expect(getObject("configmap", "databases", "postgresql-tiny"), "nothing lost").to.not.equal(
            undefined,
        );
    });

    it("fails pulumi up with Flux's message when a layer cannot become Ready, and converges once fixed", async () => {
        const before = project.stackFile("prod");
        await project.runAll([
            "pulumi config set --path 'layers.databases.healthChecks[2].name' never-ready",
            "pulumi config set --path 'layers.databases.healthChecks[2].namespace' databases",
            "pulumi config set --path layers.databases.timeout 15s",
            "pulumi config set --path layers.databases.readinessTimeout 90s",
        ]);
        const failed = await project.run("pulumi up --stack prod", { allowFailure: true });
        expect(failed.code, "up should fail").to.not.equal(0);
        const line = failed.output
            .split("\n")
            .find((l) => /never-ready/.test(l))
            ?.trim();
        console.log(`      failed after ${failed.seconds.toFixed(0)}s: ${line}`);
        // Flux's HealthCheckFailed message, as docs/troubleshooting.md quotes it.
        expect(failed.output).to.match(
            /health check failed after [\d.]+s: timeout waiting for: \[[^\]]*HelmRelease\/databases\/never-ready/,
        );
        expect(failed.seconds).to.be.lessThan(180);
        // The user's fix: the stack file as it was.
        fs.writeFileSync(path.join(project.dir, "Pulumi.prod.yaml"), before);
        await project.run("pulumi up --stack prod");
        await waitAllReady("all layers Ready after the fix", 120000);
    });

    it("pulumi destroy of the prod stack leaves the databases layer's workloads and Flux in place", async () => {
        await project.run("pulumi destroy --stack prod");
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
        await waitUntilGone(
            "authentik to be pruned",
            () => getObject("helmrelease", "authentik", "authentik") !== undefined,
        );
    });

    it("README set-up and deploy of the dev stack, then pulumi destroy removes the databases and Flux itself", async () => {
        await project.runAll(setUpCommands("dev", url, manifest));
        const [preview, upCommand, output] = deployCommands("dev");
        await project.run(preview);
        await project.run(upCommand);
        expect(allReady()).to.equal(true);
        expect(JSON.parse((await project.run(output)).stdout)).to.deep.equal([recipient]);
        expect(getObject("kustomization", NS, "databases").spec.deletionPolicy).to.equal(
            "WaitForTermination",
        );
        expect(getObject("gitrepository", NS, "flux-system").spec.ref).to.deep.equal({
            branch: "dev",
        });
        const destroy = await project.run("pulumi destroy --stack dev");
        console.log(`      dev destroy: ${destroy.seconds.toFixed(1)}s`);
        for (const name of ["postgresql", "redis"]) {
            expect(
                getObject("configmap", "databases", `${name}-tiny`),
                `workload of ${name}`,
            ).to.equal(undefined);
        }
        await waitUntilGone("Flux's CRDs", () =>
            kubectl(["get", "crd", "-o", "name"]).includes("fluxcd.io"),
        );
    });
});

async function waitUntilGone(what: string, present: () => boolean): Promise<void> {
    await waitUntil(what, () => (present() ? undefined : true), 120000);
}
