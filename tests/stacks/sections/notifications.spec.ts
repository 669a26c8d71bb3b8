import { expect } from "chai";
import { parseStackConfig, RawConfig } from "../../../stacks";
import { ConfigProblem } from "../../../stacks/errors";
import { parseNotifications, parseReceiver } from "../../../stacks/sections/notifications";
import { keysOf, runSection } from "../../helpers/section";

const P = "flux-gitops";
const LAYERS = ["infrastructure", "databases", "apps"];
const SLACK_URL = "https://hooks.slack.example/services/T000/B000/s3cr3t-slack-path";
const GH_TOKEN = "ghp_s3cr3tT0ken0123456789";
const GH_REPO = "https://github.com/acme-platform/cluster-gitops";

const notify = (values: Record<string, unknown>, secret: string[] = []) =>
    runSection((ctx) => parseNotifications(ctx, LAYERS), values, secret);
const receive = (values: Record<string, unknown>, secret: string[] = []) =>
    runSection(parseReceiver, values, secret);

/** No problem's shown value or message carries `text`. */
const noneShows = (problems: ConfigProblem[], text: string) =>
    expect(JSON.stringify(problems)).to.not.contain(text);

describe("section notifications", () => {
    it("declares nothing when unset", async () => {
        const { result, problems } = await notify({});
        expect(problems).to.deep.equal([]);
        expect(result).to.deep.equal({ providers: [], alerts: [] });
    });

    it("reads Slack's webhook URL and GitHub's token from their secret keys, one alert per provider", async () => {
        const { result, problems } = await notify(
            {
                notifications: {
                    providers: {
                        slack: { type: "slack", channel: "platform-alerts" },
                        "github-status": { type: "github", address: GH_REPO },
                    },
                },
                notificationsSlackAddress: SLACK_URL,
                notificationsGithubStatusToken: `${GH_TOKEN}\n`,
            },
            ["notificationsSlackAddress", "notificationsGithubStatusToken"],
        );
        expect(problems).to.deep.equal([]);
        expect(result).to.deep.equal({
            providers: [
                {
                    name: "slack",
                    type: "slack",
                    channel: "platform-alerts",
                    secretName: "slack-provider",
                    credentials: { address: SLACK_URL },
                },
                {
                    name: "github-status",
                    type: "github",
                    address: GH_REPO,
                    secretName: "github-status-provider",
                    credentials: { token: GH_TOKEN },
                },
            ],
            alerts: [
                {
                    name: "slack",
                    provider: "slack",
                    layers: LAYERS,
                    source: true,
                    eventSeverity: "error",
                },
                // A commit status reports the revisions layers applied, not source events.
                {
                    name: "github-status",
                    provider: "github-status",
                    layers: LAYERS,
                    source: false,
                    eventSeverity: "error",
                },
            ],
        });
    });

    it("takes the stack's own alerts with their layers, source, severity and exclusions", async () => {
        const { result, problems } = await notify(
            {
                notifications: {
                    providers: { hook: { type: "generic", address: "http://e.example/flux" } },
                    alerts: {
                        "apps-info": {
                            provider: "hook",
                            layers: ["apps"],
                            source: false,
                            eventSeverity: "info",
                            exclusionList: ["^Dependencies"],
                        },
                    },
                },
            },
            [],
        );
        expect(problems).to.deep.equal([]);
        expect(result!.alerts).to.deep.equal([
            {
                name: "apps-info",
                provider: "hook",
                layers: ["apps"],
                source: false,
                eventSeverity: "info",
                exclusionList: ["^Dependencies"],
            },
        ]);
    });

    // [what, values, secret keys, expected problems {key: expected}]
    const bad: [string, Record<string, unknown>, string[], Record<string, string>][] = [
        [
            "an unknown provider type",
            { notifications: { providers: { pager: { type: "pagerbeeper" } } } },
            [],
            {
                [`${P}:notifications.providers.pager.type`]:
                    "one of slack, discord, msteams, github, gitlab, generic, generic-hmac",
            },
        ],
        [
            "a missing secret: Slack's webhook URL",
            { notifications: { providers: { slack: { type: "slack" } } } },
            [],
            {
                [`${P}:notifications.providers.slack.address`]:
                    "the incoming webhook URL (or https://slack.com/api/chat.postMessage with a token), required for a slack provider: set `pulumi config set --secret flux-gitops:notificationsSlackAddress`",
            },
        ],
        [
            "a missing secret: GitHub's token",
            { notifications: { providers: { gh: { type: "github", address: GH_REPO } } } },
            [],
            {
                [`${P}:notificationsGhToken`]:
                    "a token that may write commit statuses, required for a github provider; set it with `pulumi config set --secret flux-gitops:notificationsGhToken`",
            },
        ],
        [
            "a token given as plain config (without --secret)",
            {
                notifications: { providers: { gh: { type: "github", address: GH_REPO } } },
                notificationsGhToken: GH_TOKEN,
            },
            [],
            {
                [`${P}:notificationsGhToken`]:
                    "a secret: set it with `pulumi config set --secret flux-gitops:notificationsGhToken` (and remove the plain value)",
            },
        ],
        [
            "a token written into the stack file's provider",
            {
                notifications: {
                    providers: { gh: { type: "github", address: GH_REPO, token: GH_TOKEN } },
                },
                notificationsGhToken: GH_TOKEN,
            },
            ["notificationsGhToken"],
            {
                [`${P}:notifications.providers.gh.token`]:
                    "unset: a token in the stack file is stored in plain text; set it with `pulumi config set --secret flux-gitops:notificationsGhToken` and remove this field",
            },
        ],
        [
            "a Slack webhook URL written into the stack file",
            {
                notifications: { providers: { slack: { type: "slack", address: SLACK_URL } } },
                notificationsSlackAddress: SLACK_URL,
            },
            ["notificationsSlackAddress"],
            {
                [`${P}:notifications.providers.slack.address`]:
                    "unset: a slack provider's address is the incoming webhook URL (or https://slack.com/api/chat.postMessage with a token), a credential; set it with `pulumi config set --secret flux-gitops:notificationsSlackAddress` and remove this field",
            },
        ],
        [
            "a token for a provider type that reads none",
            {
                notifications: { providers: { teams: { type: "msteams" } } },
                notificationsTeamsAddress: SLACK_URL,
                notificationsTeamsToken: GH_TOKEN,
            },
            ["notificationsTeamsAddress", "notificationsTeamsToken"],
            { [`${P}:notificationsTeamsToken`]: "unset: a msteams provider reads no token" },
        ],
        [
            "a secret key of no provider",
            {
                notifications: { providers: { slack: { type: "slack" } } },
                notificationsSlackAddress: SLACK_URL,
                notificationsSlakToken: GH_TOKEN,
            },
            ["notificationsSlackAddress", "notificationsSlakToken"],
            {
                [`${P}:notificationsSlakToken`]:
                    "unset, or a provider of that name: `flux-gitops:notifications.providers` declares slack, whose keys are notificationsSlackAddress, notificationsSlackToken",
            },
        ],
        [
            "an alert naming no such provider",
            {
                notifications: {
                    providers: { hook: { type: "generic", address: "http://e.example/x" } },
                    alerts: { all: { provider: "slack" } },
                },
            },
            [],
            {
                [`${P}:notifications.alerts.all.provider`]:
                    "one of the providers in `flux-gitops:notifications.providers`: hook",
            },
        ],
        [
            "an unknown severity",
            {
                notifications: {
                    providers: { hook: { type: "generic", address: "http://e.example/x" } },
                    alerts: { all: { provider: "hook", eventSeverity: "warning" } },
                },
            },
            [],
            { [`${P}:notifications.alerts.all.eventSeverity`]: "one of info, error" },
        ],
        [
            "two provider names that make the same secret keys",
            {
                notifications: {
                    providers: {
                        "a-1": { type: "generic", address: "http://e.example/x" },
                        a1: { type: "generic", address: "http://e.example/y" },
                    },
                },
            },
            [],
            {
                [`${P}:notifications.providers.a1`]:
                    "a name other than `a-1`'s: both make the secret keys `flux-gitops:notificationsA1Address` and `flux-gitops:notificationsA1Token`",
            },
        ],
    ];
    for (const [what, values, secret, expected] of bad) {
        it(`refuses ${what}, naming the key and never the secret`, async () => {
            const { result, problems } = await notify(values, secret);
            expect(result).to.equal(undefined);
            expect(Object.fromEntries(problems.map((p) => [p.key, p.expected]))).to.deep.include(
                expected,
            );
            expect(keysOf(problems)).to.include.members(Object.keys(expected));
            noneShows(problems, GH_TOKEN);
            noneShows(problems, "s3cr3t-slack-path");
        });
    }

    it("shows a plain token as not shown, and nothing of it", async () => {
        const { problems } = await notify({
            notifications: { providers: { gh: { type: "github", address: GH_REPO } } },
            notificationsGhToken: GH_TOKEN,
        });
        expect(problems).to.deep.equal([
            {
                key: `${P}:notificationsGhToken`,
                value: "[stored in plain text, not shown]",
                expected:
                    "a secret: set it with `pulumi config set --secret flux-gitops:notificationsGhToken` (and remove the plain value)",
            },
        ]);
    });

    it("never shows a credential written under any other field or in place of an entry", async () => {
        const { problems } = await notify({
            notifications: {
                providers: {
                    slack: { type: "slack", webhook: SLACK_URL },
                    teams: SLACK_URL,
                },
                notificationsSlackAddress: SLACK_URL,
            },
        });
        expect(problems.length).to.be.greaterThan(0);
        for (const p of problems) expect(p.value, p.key).to.equal("[not shown]");
        noneShows(problems, "s3cr3t-slack-path");
    });
});

describe("section receiver", () => {
    it("is null when unset", async () => {
        const { result, problems } = await receive({});
        expect(problems).to.deep.equal([]);
        expect(result).to.equal(null);
    });

    it("takes GitHub's push events by default, its token from receiverToken", async () => {
        const { result, problems } = await receive(
            { receiver: { type: "github", layers: ["apps"] }, receiverToken: `${GH_TOKEN}\n` },
            ["receiverToken"],
        );
        expect(problems).to.deep.equal([]);
        expect(result).to.deep.equal({
            name: "flux-system",
            type: "github",
            events: ["ping", "push"],
            layers: ["apps"],
            secretName: "webhook-token",
            token: GH_TOKEN,
        });
    });

    const bad: [string, Record<string, unknown>, string[], Record<string, string>][] = [
        [
            "an unknown type",
            { receiver: { type: "gitea" }, receiverToken: GH_TOKEN },
            ["receiverToken"],
            {
                [`${P}:receiver.type`]: "one of github, gitlab, bitbucket, generic, generic-hmac",
            },
        ],
        [
            "a missing token",
            { receiver: { type: "gitlab" } },
            [],
            {
                [`${P}:receiverToken`]:
                    'the webhook\'s token, required with `flux-gitops:receiver`; set it with `pulumi config set --secret flux-gitops:receiverToken -- "$(head -c 24 /dev/urandom | base64)"`',
            },
        ],
        [
            "a token given as plain config",
            { receiver: { type: "gitlab" }, receiverToken: GH_TOKEN },
            [],
            {
                [`${P}:receiverToken`]:
                    "a secret: set it with `pulumi config set --secret flux-gitops:receiverToken` (and remove the plain value)",
            },
        ],
        [
            "a token in the stack file",
            { receiver: { type: "github", token: GH_TOKEN }, receiverToken: GH_TOKEN },
            ["receiverToken"],
            {
                [`${P}:receiver.token`]:
                    "unset: a token in the stack file is stored in plain text; set it with `pulumi config set --secret flux-gitops:receiverToken` and remove this field",
            },
        ],
        [
            "a token without a receiver",
            { receiverToken: GH_TOKEN },
            ["receiverToken"],
            { [`${P}:receiverToken`]: "unset: `flux-gitops:receiver` is not set" },
        ],
    ];
    for (const [what, values, secret, expected] of bad) {
        it(`refuses ${what}, never showing the token`, async () => {
            const { result, problems } = await receive(values, secret);
            expect(result).to.equal(undefined);
            expect(Object.fromEntries(problems.map((p) => [p.key, p.expected]))).to.deep.include(
                expected,
            );
            noneShows(problems, GH_TOKEN);
        });
    }
});

describe("notifications and receiver across the stack", () => {
    let ageKey: string;
    before(async () => {
        const age = await import("age-encryption");
        ageKey = await age.generateX25519Identity();
    });
    const stack = (extra: RawConfig): RawConfig => ({
        git: { value: { url: "https://git.example.test/public.git" }, secret: false },
        ageKey: { value: ageKey, secret: true },
        ...extra,
    });
    const problemsOf = async (extra: RawConfig) => {
        const r = await parseStackConfig(stack(extra));
        return r.ok ? [] : r.problems;
    };
    const hook = {
        value: { providers: { hook: { type: "generic", address: "http://e.example/x" } } },
        secret: false,
    };
    const receiver = {
        receiver: { value: { type: "generic" }, secret: false },
        receiverToken: { value: GH_TOKEN, secret: true },
    };

    it("refuses an alert or a receiver naming no such layer, or a disabled one", async () => {
        const problems = await problemsOf({
            layers: { value: { apps: { enabled: false } }, secret: false },
            notifications: {
                value: {
                    ...hook.value,
                    alerts: { a: { provider: "hook", layers: ["apps", "web"] } },
                },
                secret: false,
            },
            receiver: { value: { type: "generic", layers: ["web"] }, secret: false },
            receiverToken: receiver.receiverToken,
        });
        const expected = "an enabled layer: one of infrastructure, databases";
        expect(problems).to.deep.equal([
            { key: `${P}:notifications.alerts.a.layers[0]`, value: '"apps"', expected },
            { key: `${P}:notifications.alerts.a.layers[1]`, value: '"web"', expected },
            { key: `${P}:receiver.layers[0]`, value: '"web"', expected },
        ]);
    });

    it("refuses them when notification-controller is not among flux.components", async () => {
        const problems = await problemsOf({
            flux: {
                value: { components: ["source-controller", "kustomize-controller"] },
                secret: false,
            },
            notifications: hook,
            ...receiver,
        });
        const expected =
            "unset, or `notification-controller` in `flux-gitops:flux.components` (now [source-controller, kustomize-controller]): it serves Provider, Alert and Receiver, whose CRDs come with it";
        expect(problems).to.deep.equal([
            { key: `${P}:notifications`, value: "(set)", expected },
            { key: `${P}:receiver`, value: "(set)", expected },
        ]);
    });

    it("accepts them with notification-controller listed, and by Flux's default components", async () => {
        expect(
            await problemsOf({
                flux: {
                    value: {
                        components: [
                            "source-controller",
                            "kustomize-controller",
                            "notification-controller",
                        ],
                    },
                    secret: false,
                },
                notifications: hook,
                ...receiver,
            }),
        ).to.deep.equal([]);
        expect(await problemsOf({ notifications: hook, ...receiver })).to.deep.equal([]);
    });

    it("refuses a provider's or the receiver's Secret named like another Secret", async () => {
        const problems = await problemsOf({
            notifications: {
                value: { providers: { slack: { type: "slack", secretName: "sops-age" } } },
                secret: false,
            },
            notificationsSlackAddress: { value: SLACK_URL, secret: true },
            receiver: { value: { type: "generic", secretName: "sops-age" }, secret: false },
            receiverToken: receiver.receiverToken,
        });
        expect(problems).to.deep.equal([
            {
                key: `${P}:notifications.providers.slack.secretName`,
                value: '"sops-age"',
                expected:
                    "a name other than `flux-gitops:sops.secretName`: both Secrets live in flux-system, and one would overwrite the other",
            },
            {
                key: `${P}:receiver.secretName`,
                value: '"sops-age"',
                expected:
                    "a name other than `flux-gitops:sops.secretName`: both Secrets live in flux-system, and one would overwrite the other",
            },
        ]);
    });
});
