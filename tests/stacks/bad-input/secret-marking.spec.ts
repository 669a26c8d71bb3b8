import { expect } from "chai";
import fc from "fast-check";
import { parseStackConfig } from "../../../stacks";
import { stackWithSecrets, P, withValue } from "../../helpers/fixtures";
import { runProgram } from "../../helpers/mocks";
import { plainCarriers } from "../../helpers/secrets";

/*
 * Class 1: a value set with --secret stays a Pulumi secret in every input it reaches.
 * `pulumi config set --secret --path layers.apps.substitute.X v` stores only that field
 * encrypted, but the program is told only that the key `flux-gitops:layers` holds a
 * secret (Pulumi marks a structured key secure when any part of it is): the program
 * sees exactly what a whole structured key set with --secret gives it.
 */
type Config = Record<string, unknown>;

interface Case {
    what: string;
    change: (c: Config) => Config;
    secretKey: string;
    /** A text that appears only in the secret value. */
    secret: string;
    /** Type of the resource that must still receive the value (Flux needs it). */
    receiver: string;
}

const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const GIT_REPOSITORY = "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SECRET = "kubernetes:core/v1:Secret";

const cases: Case[] = [
    {
        what: "a postBuild.substitute value set with --secret --path",
        change: (c) =>
            withValue(c, "layers", ["apps", "substitute", "DB_PASSWORD"], "pg-Pa55-subst-01"),
        secretKey: "layers",
        secret: "pg-Pa55-subst-01",
        receiver: KUSTOMIZATION,
    },
    {
        what: "a substitute value of a new layer in a layers key set whole with --secret",
        change: (c) =>
            withValue(c, "layers", ["billing"], {
                path: "./gitops/billing",
                dependsOn: ["databases"],
                substitute: { API_KEY: "billing-api-key-02" },
            }),
        secretKey: "layers",
        secret: "billing-api-key-02",
        receiver: KUSTOMIZATION,
    },
    {
        what: "a private repository address in a git key set with --secret",
        change: (c) =>
            withValue(
                c,
                "git",
                ["url"],
                "ssh://git@git.example.test/customer-x/hidden-repo-03.git",
            ),
        secretKey: "git",
        secret: "hidden-repo-03",
        receiver: GIT_REPOSITORY,
    },
    {
        what: "a Git tag in a git key set with --secret",
        change: (c) => withValue(c, "git", ["ref"], { tag: "release-code-name-04" }),
        secretKey: "git",
        secret: "release-code-name-04",
        receiver: GIT_REPOSITORY,
    },
    {
        // The install's objects are built from the manifest with the flux key's options: a
        // registry mirror reaches every controller's image, so the objects are secret too.
        what: "a registry mirror in a flux key set with --secret",
        change: (c) => withValue(c, "flux", ["registry"], "mirror-code-name-05.example/fluxcd"),
        secretKey: "flux",
        secret: "mirror-code-name-05",
        receiver: DEPLOYMENT,
    },
    {
        what: "a Slack webhook URL set with --secret as notifications<Provider>Address",
        change: (c) => ({
            ...withValue(c, "notifications", ["providers", "slack"], { type: "slack" }),
            [`${P}:notificationsSlackAddress`]: "https://hooks.slack.example/services/slack-06",
        }),
        secretKey: "notificationsSlackAddress",
        secret: "https://hooks.slack.example/services/slack-06",
        receiver: SECRET,
    },
    {
        what: "a commit status token set with --secret as notifications<Provider>Token",
        change: (c) => ({
            ...withValue(c, "notifications", ["providers", "gh"], {
                type: "github",
                address: "https://github.com/acme/repo",
            }),
            [`${P}:notificationsGhToken`]: "ghp-status-token-07",
        }),
        secretKey: "notificationsGhToken",
        secret: "ghp-status-token-07",
        receiver: SECRET,
    },
    {
        what: "the webhook token set with --secret as receiverToken",
        change: (c) => ({
            ...withValue(c, "receiver", [], { type: "generic-hmac" }),
            [`${P}:receiverToken`]: "webhook-token-08",
        }),
        secretKey: "receiverToken",
        secret: "webhook-token-08",
        receiver: SECRET,
    },
];

describe("secret marking (class 1)", () => {
    let base: Awaited<ReturnType<typeof stackWithSecrets>>;
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    for (const c of cases) {
        it(`keeps ${c.what} a secret in every resource input`, async () => {
            const run = await runProgram(c.change(base.config), [
                ...base.secretKeys,
                `${P}:${c.secretKey}`,
            ]);
            // As given, and as a Secret's data holds it (base64).
            const forms = [c.secret, Buffer.from(c.secret).toString("base64")];
            for (const form of forms) {
                expect(plainCarriers(run.resources, form)).to.deep.equal([]);
            }
            // Still delivered: the unwrapped inputs carry it to Flux.
            const receivers = run.resources.filter((r) => r.type === c.receiver);
            expect(
                receivers.some((r) => forms.some((f) => JSON.stringify(r.inputs).includes(f))),
            ).to.equal(true);
        });
    }

    it("keeps any substitute value secret, whatever the layer and variable (property)", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.constantFrom("infrastructure", "databases", "apps"),
                fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/),
                fc.stringMatching(/^[A-Za-z0-9+/=._-]{12,40}$/),
                async (layer, name, value) => {
                    const config = withValue(
                        base.config,
                        "layers",
                        [layer, "substitute", name],
                        value,
                    );
                    const run = await runProgram(config, [...base.secretKeys, `${P}:layers`]);
                    expect(plainCarriers(run.resources, value)).to.deep.equal([]);
                },
            ),
            { numRuns: 15 },
        );
    });

    it("warns that a readiness or sops key stored as a secret is used in plain text", async () => {
        const age = await import("age-encryption");
        const r = await parseStackConfig({
            git: { value: { url: "https://git.example.test/public.git" }, secret: false },
            ageKey: { value: await age.generateX25519Identity(), secret: true },
            readiness: { value: { timeout: "5m" }, secret: true },
            sops: { value: { secretName: "age-keys" }, secret: true },
        });
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        expect((r as { warnings?: { key: string }[] }).warnings?.map((w) => w.key)).to.deep.equal([
            `${P}:readiness`,
            `${P}:sops`,
        ]);
    });
});
