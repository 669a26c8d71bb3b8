import { expect } from "chai";
import { stackWithSecrets, P, withValue } from "../helpers/fixtures";
import { fluxReady, WEBHOOK_PATH } from "../helpers/flux-status";
import { crd, manifestFile, syntheticInstallObjects } from "../helpers/flux-manifest";
import { ConfigError } from "../../stacks";
import {
    isSecretMarked,
    ProgramRun,
    Registered,
    runFailingProgram,
    runProgram,
} from "../helpers/mocks";
import { plainCarriers, unmarkedParts } from "../helpers/secrets";
import { secretPaths } from "../e2e/helpers/secrets";

const PROVIDER = "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Provider";
const ALERT = "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Alert";
const RECEIVER = "kubernetes:notification.toolkit.fluxcd.io/v1:Receiver";
const SECRET = "kubernetes:core/v1:Secret";
const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";

const SLACK_URL = "https://hooks.slack.example/services/T000/B000/slack-path-s3cr3t";
const GH_TOKEN = "ghp_commitStatusT0ken0001";
const WEBHOOK_TOKEN = "webhook-T0ken-0002";
const GH_REPO = "https://github.com/acme-platform/cluster-gitops";
const LAYERS = ["infrastructure", "databases", "apps"];

function named(run: ProgramRun, type: string, name: string): Registered {
    const found = run.resources.filter((r) => r.type === type && r.inputs.metadata?.name === name);
    expect(found, `${type} ${name}`).to.have.length(1);
    return found[0];
}

const decoded = (r: Registered) =>
    Object.fromEntries(
        Object.entries(r.inputs.data as Record<string, string>).map(([k, v]) => [
            k,
            Buffer.from(v, "base64").toString("utf8"),
        ]),
    );

describe("day 2 on the prod stack: alerts to Slack and GitHub, a push webhook", () => {
    let run: ProgramRun;
    let secretKeys: string[];

    before(async () => {
        const base = await stackWithSecrets("prod");
        let config = withValue(base.config, "notifications", [], {
            providers: {
                slack: { type: "slack", channel: "platform-alerts" },
                "github-status": { type: "github", address: GH_REPO },
            },
        });
        config = withValue(config, "receiver", [], { type: "github", layers: ["apps"] });
        config = {
            ...config,
            [`${P}:notificationsSlackAddress`]: SLACK_URL,
            [`${P}:notificationsGithubStatusToken`]: GH_TOKEN,
            [`${P}:receiverToken`]: WEBHOOK_TOKEN,
        };
        secretKeys = [
            ...base.secretKeys,
            `${P}:notificationsSlackAddress`,
            `${P}:notificationsGithubStatusToken`,
            `${P}:receiverToken`,
        ];
        run = await runProgram(config, secretKeys, { stack: "prod", reported: fluxReady() });
    });

    it("declares each Provider in the Flux namespace, its credential in its own Secret", () => {
        const slack = named(run, PROVIDER, "slack");
        expect(slack.inputs).to.deep.include({
            apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
            kind: "Provider",
            metadata: { name: "slack", namespace: "flux-system" },
            spec: {
                type: "slack",
                channel: "platform-alerts",
                secretRef: { name: "slack-provider" },
            },
        });
        expect(decoded(named(run, SECRET, "slack-provider"))).to.deep.equal({
            address: SLACK_URL,
        });
        expect(named(run, PROVIDER, "github-status").inputs.spec).to.deep.equal({
            type: "github",
            address: GH_REPO,
            secretRef: { name: "github-status-provider" },
        });
        expect(decoded(named(run, SECRET, "github-status-provider"))).to.deep.equal({
            token: GH_TOKEN,
        });
    });

    it("declares one Alert per provider: every layer, the source except for commit statuses", () => {
        const layers = LAYERS.map((name) => ({ kind: "Kustomization", name }));
        expect(named(run, ALERT, "slack").inputs.spec).to.deep.equal({
            providerRef: { name: "slack" },
            eventSeverity: "error",
            eventSources: [...layers, { kind: "GitRepository", name: "flux-system" }],
        });
        expect(named(run, ALERT, "github-status").inputs.spec).to.deep.equal({
            providerRef: { name: "github-status" },
            eventSeverity: "error",
            eventSources: layers,
        });
    });

    it("declares the Receiver for the source and the apps layer, waiting for it to be Ready", () => {
        const receiver = named(run, RECEIVER, "flux-system");
        expect(receiver.inputs.spec).to.deep.equal({
            type: "github",
            events: ["ping", "push"],
            resources: [
                { kind: "GitRepository", name: "flux-system" },
                { kind: "Kustomization", name: "apps" },
            ],
            secretRef: { name: "webhook-token" },
        });
        expect(receiver.inputs.metadata.annotations["pulumi.com/waitFor"]).to.contain(
            "condition=Ready",
        );
        expect(decoded(named(run, SECRET, "webhook-token"))).to.deep.equal({
            token: WEBHOOK_TOKEN,
        });
    });

    it("creates the Alerts before the layers, each Provider after its Secret", () => {
        const alerts = run.resources.filter((r) => r.type === ALERT).map((r) => r.urn);
        const providerUrn = (n: string) => named(run, PROVIDER, n).urn;
        const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
        const waitsFor = (r: Registered): Set<string> => {
            const seen = new Set<string>();
            const todo = [...r.dependencies];
            while (todo.length > 0) {
                const u = todo.pop()!;
                if (seen.has(u)) continue;
                seen.add(u);
                todo.push(...(byUrn.get(u)?.dependencies ?? []));
            }
            return seen;
        };
        for (const layer of LAYERS) {
            expect(waitsFor(named(run, KUSTOMIZATION, layer))).to.include.members(alerts);
        }
        expect(named(run, PROVIDER, "slack").dependencies).to.include(
            named(run, SECRET, "slack-provider").urn,
        );
        expect(named(run, ALERT, "slack").dependencies).to.include(providerUrn("slack"));
        expect(named(run, RECEIVER, "flux-system").dependencies).to.include(
            named(run, SECRET, "webhook-token").urn,
        );
    });

    it("names the new resources after their component, the existing ones unchanged", () => {
        const urns = run.resources
            .filter((r) => /:index:Flux(Notifications|Receiver)/.test(r.urn))
            .map((r) => r.urn.split("::").slice(2).join("::"));
        expect(urns).to.have.members([
            "flux-gitops:index:FluxNotifications::notifications",
            "flux-gitops:index:FluxNotifications$kubernetes:core/v1:Secret::notifications-provider-slack",
            `flux-gitops:index:FluxNotifications$${PROVIDER}::notifications-provider-slack`,
            "flux-gitops:index:FluxNotifications$kubernetes:core/v1:Secret::notifications-provider-github-status",
            `flux-gitops:index:FluxNotifications$${PROVIDER}::notifications-provider-github-status`,
            `flux-gitops:index:FluxNotifications$${ALERT}::notifications-alert-slack`,
            `flux-gitops:index:FluxNotifications$${ALERT}::notifications-alert-github-status`,
            "flux-gitops:index:FluxReceiver::receiver",
            "flux-gitops:index:FluxReceiver$kubernetes:core/v1:Secret::receiver-token",
            `flux-gitops:index:FluxReceiver$${RECEIVER}::receiver`,
        ]);
    });

    it("keeps every token and webhook address a Pulumi secret in every resource input", () => {
        for (const text of [SLACK_URL, GH_TOKEN, WEBHOOK_TOKEN]) {
            expect(plainCarriers(run.resources, text), text).to.deep.equal([]);
            const b64 = Buffer.from(text).toString("base64").slice(0, 16);
            expect(plainCarriers(run.resources, b64), text).to.deep.equal([]);
        }
        for (const name of ["slack-provider", "github-status-provider", "webhook-token"]) {
            expect(isSecretMarked(named(run, SECRET, name).serialized.data), name).to.equal(true);
        }
    });

    it("reveals no token or webhook URL in any unmarked input or plain output, not even base64-encoded", () => {
        const secrets = [SLACK_URL, GH_TOKEN, WEBHOOK_TOKEN];
        const plainOutputs = Object.fromEntries(
            Object.entries(run.outputs).filter(([k]) => !run.secretOutputs.includes(k)),
        );
        const seen = {
            inputs: run.resources.map((r) => unmarkedParts(r.serialized)),
            outputs: plainOutputs,
        };
        expect(secretPaths(seen, [...secrets, WEBHOOK_PATH])).to.deep.equal([]);
    });

    it("outputs the webhook path from the Receiver's status, as a secret, next to the status", () => {
        expect(run.outputs.receiverWebhookPath).to.equal(WEBHOOK_PATH);
        expect(run.secretOutputs).to.deep.equal(["receiverWebhookPath"]);
        expect(Object.keys(run.outputs)).to.include.members(["layerStatus", "sourceRevision"]);
        expect(JSON.stringify(run.outputs)).to.not.contain(GH_TOKEN);
    });
});

describe("day 2 with an install manifest without notification-controller", () => {
    it("refuses alerts and the webhook before declaring anything", async () => {
        const base = await stackWithSecrets("prod");
        const manifest = manifestFile(
            syntheticInstallObjects().filter(
                (o) =>
                    o.metadata.labels?.["app.kubernetes.io/component"] !==
                    "notification-controller",
            ),
        );
        let config = withValue(base.config, "flux", ["manifest"], manifest);
        config = withValue(config, "receiver", [], { type: "generic" });
        config = { ...config, [`${P}:receiverToken`]: WEBHOOK_TOKEN };
        const { error, resources } = await runFailingProgram(config, [
            ...base.secretKeys,
            `${P}:receiverToken`,
        ]);
        expect(resources).to.deep.equal([]);
        expect((error as Error).message).to.contain(
            "`flux-gitops:receiver` is (set): expected unset, or an install manifest holding `notification-controller`: it installs source-controller, kustomize-controller, helm-controller",
        );
        expect((error as Error).message).to.not.contain(WEBHOOK_TOKEN);
    });
});

describe("day 2 with an install whose notification CRDs predate the versions the stack writes", () => {
    it("refuses alerts before declaring anything, naming the kind and both versions", async () => {
        const base = await stackWithSecrets("prod");
        const beta2 = [
            { name: "v1beta1", served: true, storage: false },
            { name: "v1beta2", served: true, storage: true },
        ];
        const manifest = manifestFile([
            crd(
                "notification-controller",
                "notification.toolkit.fluxcd.io",
                "providers",
                "Provider",
                beta2,
            ),
            crd(
                "notification-controller",
                "notification.toolkit.fluxcd.io",
                "alerts",
                "Alert",
                beta2,
            ),
            ...syntheticInstallObjects(),
        ]);
        let config = withValue(base.config, "flux", ["manifest"], manifest);
        config = withValue(config, "notifications", [], {
            providers: { slack: { type: "slack", channel: "platform-alerts" } },
        });
        config = { ...config, [`${P}:notificationsSlackAddress`]: SLACK_URL };
        const { error, resources } = await runFailingProgram(config, [
            ...base.secretKeys,
            `${P}:notificationsSlackAddress`,
        ]);
        expect(error).to.be.instanceOf(ConfigError);
        expect(resources).to.deep.equal([]);
        const message = (error as Error).message;
        for (const kind of ["Provider", "Alert"]) {
            expect(message).to.contain(
                `\`flux-gitops:notifications\` is (set): expected unset, or an install whose ${kind} CRD ` +
                    `serves the version the stack writes: the install's ${kind} CRD serves v1beta1, v1beta2; ` +
                    "the stack writes notification.toolkit.fluxcd.io/v1beta3: set " +
                    "`flux-gitops:flux.manifest` to the install of a release that serves it",
            );
        }
        expect(message).to.not.contain(SLACK_URL);
    });
});

describe("day 2 unset", () => {
    it("declares no Provider, Alert or Receiver and outputs no webhook path", async () => {
        const base = await stackWithSecrets("dev");
        const run = await runProgram(base.config, base.secretKeys, { stack: "dev" });
        expect(
            run.resources.filter((r) => [PROVIDER, ALERT, RECEIVER].includes(r.type)),
        ).to.deep.equal([]);
        expect(run.outputs).to.not.have.property("receiverWebhookPath");
    });
});
