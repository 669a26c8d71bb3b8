import { expect } from "chai";
import {
    buildAlertSpec,
    buildProviderSpec,
    buildReceiverSpec,
    providerSecretData,
    ProviderSettings,
} from "../../flux/notifications";

const GIT = { kind: "GitRepository", name: "flux-system" };

describe("flux notifications: Provider", () => {
    const slack: ProviderSettings<string> = {
        name: "slack",
        type: "slack",
        channel: "platform-alerts",
        secretName: "slack-provider",
        credentials: { address: "https://hooks.slack.example/services/T0/B0/x" },
    };

    it("keeps a webhook address out of the spec: it is in the Secret the spec refers to", () => {
        expect(buildProviderSpec(slack)).to.deep.equal({
            type: "slack",
            channel: "platform-alerts",
            secretRef: { name: "slack-provider" },
        });
        expect(providerSecretData(slack)).to.deep.equal({
            address: "https://hooks.slack.example/services/T0/B0/x",
        });
    });

    it("puts a repository address in the spec and the token in the Secret (commit status)", () => {
        const github: ProviderSettings<string> = {
            name: "github-status",
            type: "github",
            address: "https://github.com/acme-platform/cluster-gitops",
            secretName: "github-status-provider",
            credentials: { token: "ghp_example" },
        };
        expect(buildProviderSpec(github)).to.deep.equal({
            type: "github",
            address: "https://github.com/acme-platform/cluster-gitops",
            secretRef: { name: "github-status-provider" },
        });
        expect(providerSecretData(github)).to.deep.equal({ token: "ghp_example" });
    });

    it("declares no Secret and no secretRef for a provider without credentials", () => {
        const generic: ProviderSettings<string> = {
            name: "hook",
            type: "generic",
            address: "http://events.monitoring.svc/flux",
            secretName: "hook-provider",
            credentials: {},
        };
        expect(buildProviderSpec(generic)).to.deep.equal({
            type: "generic",
            address: "http://events.monitoring.svc/flux",
        });
        expect(providerSecretData(generic)).to.equal(undefined);
    });

    it("holds both keys for a generic-hmac provider with a secret address", () => {
        const hmac: ProviderSettings<string> = {
            name: "signed",
            type: "generic-hmac",
            secretName: "signed-provider",
            credentials: { address: "https://e.example/x", token: "k" },
        };
        expect(providerSecretData(hmac)).to.deep.equal({
            address: "https://e.example/x",
            token: "k",
        });
        expect(buildProviderSpec(hmac)).to.deep.equal({
            type: "generic-hmac",
            secretRef: { name: "signed-provider" },
        });
    });
});

describe("flux notifications: Alert", () => {
    it("sends the layers' events, then the source's, at the severity asked", () => {
        expect(
            buildAlertSpec(
                {
                    name: "failures",
                    provider: "slack",
                    layers: ["infrastructure", "apps"],
                    source: true,
                    eventSeverity: "error",
                },
                GIT,
            ),
        ).to.deep.equal({
            providerRef: { name: "slack" },
            eventSeverity: "error",
            eventSources: [
                { kind: "Kustomization", name: "infrastructure" },
                { kind: "Kustomization", name: "apps" },
                { kind: "GitRepository", name: "flux-system" },
            ],
        });
    });

    it("leaves the source out when asked and keeps the exclusions", () => {
        expect(
            buildAlertSpec(
                {
                    name: "status",
                    provider: "github-status",
                    layers: ["apps"],
                    source: false,
                    eventSeverity: "info",
                    exclusionList: ["waiting.*dependencies"],
                },
                { kind: "OCIRepository", name: "artifacts" },
            ),
        ).to.deep.equal({
            providerRef: { name: "github-status" },
            eventSeverity: "info",
            eventSources: [{ kind: "Kustomization", name: "apps" }],
            exclusionList: ["waiting.*dependencies"],
        });
    });
});

describe("flux notifications: Receiver", () => {
    it("triggers the source first, then the layers listed, for the events given", () => {
        expect(
            buildReceiverSpec(
                {
                    name: "flux-system",
                    type: "github",
                    events: ["ping", "push"],
                    layers: ["apps"],
                    secretName: "webhook-token",
                    token: "t",
                },
                GIT,
            ),
        ).to.deep.equal({
            type: "github",
            events: ["ping", "push"],
            resources: [
                { kind: "GitRepository", name: "flux-system" },
                { kind: "Kustomization", name: "apps" },
            ],
            secretRef: { name: "webhook-token" },
        });
    });

    it("sends no events field for a generic receiver", () => {
        expect(
            buildReceiverSpec(
                {
                    name: "push",
                    type: "generic",
                    events: [],
                    layers: [],
                    secretName: "push-token",
                    token: "t",
                },
                GIT,
            ),
        ).to.deep.equal({
            type: "generic",
            resources: [{ kind: "GitRepository", name: "flux-system" }],
            secretRef: { name: "push-token" },
        });
    });
});
