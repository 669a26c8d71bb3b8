/**
 * Day 2 end to end (issue 17), through the real `pulumi` CLI in a copy of the project, with the
 * commands docs/day2.md gives: alerts to a generic provider, the push webhook, the status
 * outputs and `flux.size`, on the local control plane with Flux's controllers — notification-
 * controller included — as local processes (tests/integration/flux/up.sh).
 *
 * Stand-ins for what needs a kubelet or the Internet:
 * - the generic provider is an HTTP server of this test on loopback; notification-controller
 *   posts to it exactly as it would to any `generic` endpoint;
 * - the Git host's push webhook is this test POSTing, signed as GitHub signs, to
 *   notification-controller's receiver port (the `webhook-receiver` Service's target);
 * - the install manifest is the pinned controllers' CRDs, plus kustomize-controller's and
 *   helm-controller's Deployments so that `flux.size` can be read back; no pod runs, so the stack
 *   skips the Deployments' await through `flux.patches`, as the install-options suite does.
 */
import { expect } from "chai";
import { createHmac } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { execFileSync } from "child_process";
import { getObject, readyCondition, waitUntil } from "../integration/helpers/kube";
import { env, publish, publishFixtureRepo } from "../integration/helpers/loopback";
import { LAYERS, NS, freshCluster, waitAllReady } from "./helpers/cluster";
import { setUpCommands, upWithFlux } from "./helpers/documented";
import { ProjectCopy } from "./helpers/pulumi-cli";
import { commandLines, docShellBlocks, DOCUMENTED } from "./helpers/readme";
import { expectNoLeaks } from "./helpers/leaks";
import { revealsSecret } from "./helpers/secrets";
import {
    crdsOf,
    deploymentOf,
    moduleDir,
    namespace,
    pinned,
    writeManifest,
} from "./release-manifests";

const CONTROLLERS = [
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
];
/** The preset `flux.size: large` of docs/day2.md, as the API server must hold it. */
const LARGE = {
    concurrent: "--concurrent=20",
    requeue: "--requeue-dependency=5s",
    cpu: "3",
    memory: "3Gi",
};

/** No kubelet: stand in for it by not awaiting the Deployments (see the header). */
const NO_KUBELET = [
    "pulumi config set --path 'flux.patches[0].target.kind' Deployment",
    `pulumi config set --path 'flux.patches[0].patch' '{"metadata":{"annotations":{"pulumi.com/skipAwait":"true"}}}'`,
];

/** One request the loopback provider received. */
interface Received {
    at: number;
    body: any;
}

/** A `generic` provider's endpoint: records every JSON body POSTed to it. */
async function loopbackProvider(): Promise<{
    url: string;
    received: Received[];
    close: () => void;
}> {
    const received: Received[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = text;
            try {
                body = JSON.parse(text);
            } catch {
                // kept as text: the check below then fails with what arrived
            }
            received.push({ at: Date.now(), body });
            res.writeHead(200).end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/flux-events`, received, close: () => server.close() };
}

/** POSTs a GitHub push event to the receiver, signed with `token`; resolves with the status. */
async function githubPush(hookPath: string, token: string, ref: string): Promise<number> {
    const body = JSON.stringify({ ref, after: "0".repeat(40) });
    const signature = createHmac("sha256", token).update(body).digest("hex");
    const res = await fetch(`http://${env("FLUX_RECEIVER_ADDR")}${hookPath}`, {
        method: "POST",
        headers: {
            "Content-Type": "application/json",
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": `e2e-${Date.now()}`,
            "X-Hub-Signature-256": `sha256=${signature}`,
        },
        body,
    });
    return res.status;
}

function git(repo: string, args: string[]): string {
    return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
}

/** Commits a change to the fixture repository and pushes it; returns the new head. */
function commitAndPush(repo: string, message: string, change: () => void): string {
    change();
    git(repo, ["add", "-A"]);
    git(repo, [
        "-c",
        "user.name=e2e",
        "-c",
        "user.email=e2e@example.test",
        "commit",
        "-qm",
        message,
    ]);
    publish(repo);
    return git(repo, ["rev-parse", "HEAD"]);
}

const gitRepository = () => getObject("gitrepository", NS, "flux-system");
const sourceRevision = () => gitRepository()?.status?.artifact?.revision as string | undefined;
const appliedRevision = (layer: string) =>
    getObject("kustomization", NS, layer)?.status?.lastAppliedRevision as string | undefined;

describe("Day 2 through the pulumi CLI: alerts, the push webhook, status outputs and size", function () {
    this.timeout(20 * 60 * 1000);
    const dir = env("E2E_DIR");
    let project: ProjectCopy;
    let repo: string;
    let provider: Awaited<ReturnType<typeof loopbackProvider>>;
    let token: string;
    let webhookPath: string;
    let head: string;
    let url: string;
    let manifest: string;

    /** The stack keys of docs/day2.md's examples, for the loopback provider and a GitHub webhook. */
    const dayTwoKeys = () => [
        "pulumi config set --stack prod --path 'notifications.providers.loopback.type' generic",
        `pulumi config set --stack prod --secret flux-gitops:notificationsLoopbackAddress '${provider.url}'`,
        "pulumi config set --stack prod --path 'receiver.type' github",
    ];

    before(async () => {
        freshCluster();
        provider = await loopbackProvider();
        const age = await import("age-encryption");
        const ageKey = await age.generateX25519Identity();
        const recipient = await age.identityToRecipient(ageKey);
        repo = path.join(dir, "repo-day2");
        url = publishFixtureRepo(recipient, repo);
        head = git(repo, ["rev-parse", "HEAD"]);
        const modules = CONTROLLERS.map((c) => ({
            c,
            dir: moduleDir(c, pinned(`${c.replace("-", "_").toUpperCase()}_VERSION`)),
        }));
        manifest = writeManifest(path.join(dir, "flux-day2.yaml"), [
            namespace(),
            ...modules.flatMap((m) => crdsOf(m.dir, m.c)),
            ...modules
                .filter((m) => m.c === "kustomize-controller" || m.c === "helm-controller")
                .map((m) => deploymentOf(m.dir, m.c)),
        ]);
        project = ProjectCopy.create(path.join(dir, "project-day2"));
        project.writeFile(
            "age.agekey",
            `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${ageKey}\n`,
        );
        project.writeFile("flux-deploy-key", fs.readFileSync(env("GIT_SSH_IDENTITY"), "utf8"));
        await project.runAll([...setUpCommands("prod", url, manifest), ...NO_KUBELET]);
    });

    after(() => {
        provider?.close();
    });

    it("docs/day2.md's keys, then pulumi up: Provider, Alert and Receiver declared, the webhook path output, size large read back", async () => {
        await project.runAll([
            ...commandLines(docShellBlocks(DOCUMENTED.day2Size)),
            ...dayTwoKeys(),
        ]);
        const [setToken, up, output] = commandLines(docShellBlocks(DOCUMENTED.day2Webhook));
        expect(setToken).to.match(
            /^pulumi config set --stack prod --secret flux-gitops:receiverToken /,
        );
        await project.run(setToken);
        token = (
            await project.run("pulumi config get receiverToken --stack prod", { private: true })
        ).stdout.trim();
        expect(token).to.have.length.greaterThan(20);

        const applied = await upWithFlux(project, up, "5s", { notification: true });
        console.log(`      pulumi up with the day-2 objects: ${applied.seconds.toFixed(1)}s`);
        webhookPath = (await project.run(output, { private: true })).stdout.trim();
        expect(webhookPath).to.match(/^\/hook\/[0-9a-f]{64}$/);

        const receiver = getObject("receiver", NS, "flux-system");
        expect(readyCondition(receiver)?.status, "Receiver Ready").to.equal("True");
        expect(receiver.status.webhookPath).to.equal(webhookPath);
        expect(receiver.spec.type).to.equal("github");
        expect(receiver.spec.resources).to.deep.include({
            kind: "GitRepository",
            name: "flux-system",
        });
        const alert = getObject("alert", NS, "loopback");
        expect(alert.spec.providerRef).to.deep.equal({ name: "loopback" });
        expect(alert.spec.eventSeverity).to.equal("error");
        expect(alert.spec.eventSources).to.deep.equal([
            ...LAYERS.map((name) => ({ kind: "Kustomization", name })),
            { kind: "GitRepository", name: "flux-system" },
        ]);
        const providerObject = getObject("provider", NS, "loopback");
        expect(providerObject.spec.type).to.equal("generic");
        expect(providerObject.spec.address, "the secret address stays in the Secret").to.equal(
            undefined,
        );
        const secret = getObject("secret", NS, providerObject.spec.secretRef.name);
        expect(Buffer.from(secret.data.address, "base64").toString()).to.equal(provider.url);

        for (const c of ["kustomize-controller", "helm-controller"]) {
            const manager = getObject("deployment", NS, c).spec.template.spec.containers.find(
                (x: any) => x.name === "manager",
            );
            expect(manager.args, c).to.include(LARGE.concurrent);
            expect(manager.args, c).to.include(LARGE.requeue);
            expect(manager.resources.limits, c).to.deep.equal({
                cpu: LARGE.cpu,
                memory: LARGE.memory,
            });
        }
    });

    it("pulumi stack output shows every layer Ready at the Git head, as docs/day2.md's status commands print it", async () => {
        const [layerStatus, source] = commandLines(docShellBlocks(DOCUMENTED.day2Status)).map((c) =>
            c.replace(/\s+#.*$/, ""),
        );
        const status = JSON.parse((await project.run(`${layerStatus} --json`)).stdout);
        const revision = `main@sha1:${head}`;
        for (const l of LAYERS) {
            expect(status[l], l).to.deep.equal({ ready: "True", lastAppliedRevision: revision });
        }
        expect(JSON.parse((await project.run(`${source} --json`)).stdout)).to.equal(revision);
    });

    it("a webhook POST with the right token makes source-controller fetch at once; a wrong token is refused", async () => {
        const before = gitRepository().status.lastHandledReconcileAt;
        const pushed = commitAndPush(repo, "day 2: a push the webhook announces", () =>
            fs.appendFileSync(
                path.join(repo, "gitops/infrastructure/namespace.yaml"),
                "# pushed\n",
            ),
        );
        const refused = await githubPush(webhookPath, `not-${token}`, "refs/heads/main");
        expect(refused, "wrong token").to.be.at.least(400);
        await new Promise((r) => setTimeout(r, 3000));
        expect(
            gitRepository().status.lastHandledReconcileAt,
            "no fetch after a refused call",
        ).to.equal(before);
        expect(sourceRevision()).to.equal(`main@sha1:${head}`);

        const sent = Date.now();
        expect(await githubPush(webhookPath, token, "refs/heads/main"), "right token").to.equal(
            200,
        );
        await waitUntil(
            "source-controller to handle the webhook's request",
            () => (gitRepository().status.lastHandledReconcileAt !== before ? true : undefined),
            30000,
        );
        const handled = Date.now() - sent;
        await waitUntil(
            "the pushed revision fetched",
            () => (sourceRevision() === `main@sha1:${pushed}` ? true : undefined),
            30000,
        );
        const fetched = Date.now() - sent;
        // The stack polls Git every minute (git.interval 1m0s): only the webhook explains this.
        console.log(
            `      webhook → reconcile handled ${(handled / 1000).toFixed(1)}s, → new revision fetched ${(fetched / 1000).toFixed(1)}s`,
        );
        expect(fetched).to.be.lessThan(20000);
        head = pushed;
    });

    it("after the push, pulumi up --refresh puts the Git head in every layer's status output", async () => {
        const revision = `main@sha1:${head}`;
        for (const l of LAYERS) {
            await waitUntil(
                `${l} applied ${revision}`,
                () => (appliedRevision(l) === revision ? true : undefined),
                60000,
            );
        }
        await project.run("pulumi up --refresh --stack prod");
        const status = JSON.parse(
            (await project.run("pulumi stack output layerStatus --stack prod --json")).stdout,
        );
        for (const l of LAYERS) expect(status[l]?.lastAppliedRevision, l).to.equal(revision);
        await project.run("pulumi preview --stack prod --expect-no-changes");
    });

    it("a layer made to fail sends an error event naming it to the generic provider; nothing else is sent", async () => {
        const kustomization = path.join(repo, "gitops/apps/applications/kustomization.yaml");
        const good = fs.readFileSync(kustomization, "utf8");
        const broken = commitAndPush(repo, "day 2: break the apps layer", () =>
            fs.writeFileSync(
                kustomization,
                good.replace(/resources:\n/, "resources:\n  - missing.yaml\n"),
            ),
        );
        expect(fs.readFileSync(kustomization, "utf8")).to.contain("missing.yaml");
        const sent = Date.now();
        expect(await githubPush(webhookPath, token, "refs/heads/main")).to.equal(200);
        const event = await waitUntil(
            "an error event of the apps layer at the provider",
            () =>
                provider.received.find(
                    (r) =>
                        r.body?.involvedObject?.kind === "Kustomization" &&
                        r.body?.involvedObject?.name === "apps" &&
                        r.at >= sent,
                ),
            60000,
            () => JSON.stringify(provider.received.map((r) => r.body)),
        );
        const failedAt = Date.parse(
            readyCondition(getObject("kustomization", NS, "apps"))!.lastTransitionTime!,
        );
        console.log(
            `      push webhook → event at the provider ${((event.at - sent) / 1000).toFixed(1)}s; ` +
                `apps Ready=False (Flux's clock, whole seconds) → delivered ≤ ${((event.at - failedAt) / 1000).toFixed(1)}s`,
        );
        expect(event.body.severity).to.equal("error");
        expect(event.body.involvedObject.namespace).to.equal(NS);
        expect(event.body.message).to.contain("missing.yaml");
        expect(event.body.metadata?.revision ?? "").to.contain(broken);
        // eventSeverity error: the successes of this run (the other layers, the source) stay home.
        for (const r of provider.received)
            expect(r.body?.severity, JSON.stringify(r.body)).to.equal("error");

        const fixed = commitAndPush(repo, "day 2: fix the apps layer", () =>
            fs.writeFileSync(kustomization, good),
        );
        expect(await githubPush(webhookPath, token, "refs/heads/main")).to.equal(200);
        await waitUntil(
            "apps applied the fix",
            () => (appliedRevision("apps") === `main@sha1:${fixed}` ? true : undefined),
            60000,
        );
        await waitAllReady("all layers Ready after the fix", 60000);
    });

    it("keeps the receiver token, the provider address and the webhook path out of state, outputs, stack file and CLI output", async () => {
        await expectNoLeaks(project, dir, "prod", [token, provider.url, webhookPath]);
    });

    it("the dev stack declares the same day-2 objects from the same keys (preview)", async () => {
        const toDev = (commands: string[]) =>
            commands.map((c) => c.replace("--stack prod", "--stack dev"));
        await project.runAll([
            ...setUpCommands("dev", url, manifest),
            ...NO_KUBELET,
            ...toDev(commandLines(docShellBlocks(DOCUMENTED.day2Size))),
            ...toDev(dayTwoKeys()),
            `pulumi config set --stack dev --secret flux-gitops:receiverToken 'dev-${token}'`,
        ]);
        const preview = await project.run("pulumi preview --stack dev");
        for (const kind of ["Provider", "Alert", "Receiver"]) {
            expect(preview.output, kind).to.match(
                new RegExp(
                    `\\+ +kubernetes:notification\\.toolkit\\.fluxcd\\.io/v1(beta3)?:${kind} `,
                ),
            );
        }
        const dev = project.stackFile("dev");
        expect(revealsSecret(dev, [token, provider.url])).to.equal(false);
        expect(dev).to.match(/flux-gitops:notificationsLoopbackAddress:\s+secure: /);
    });
});
