import { expect } from "chai";
import fc from "fast-check";
import { ConfigError } from "../../../stacks";
import { stackWithSecrets, P, withValue } from "../../helpers/fixtures";
import { runFailingProgram } from "../../helpers/mocks";

/*
 * Class 2: no message shows any part of a value that can hold credentials, whichever
 * check of that value fails first, and no hint that rewrites the value repeats them.
 */
type Config = Record<string, unknown>;
const SECRET = "hunter2xyz";

const httpsBasic = (c: Config): Config => {
    let out = withValue(c, "gitSshIdentity", [], undefined);
    out = withValue(out, "gitKnownHosts", [], undefined);
    return out;
};

interface Case {
    what: string;
    change: (c: Config) => Config;
    /** Keys stored with --secret besides the base's. */
    secretKeys?: string[];
    key: string;
}

const gitUrl = (url: string) => (c: Config) => httpsBasic(withValue(c, "git", ["url"], url));

const cases: Case[] = [
    {
        what: "an scp-style address with a password (the rewrite hint must not repeat it)",
        change: gitUrl(`bot:${SECRET}@git.example.test:org/repo.git`),
        key: "git.url",
    },
    {
        what: "a URL with a password that does not parse",
        change: gitUrl(`https://bot:${SECRET}@git example.test/repo.git`),
        key: "git.url",
    },
    {
        what: "an ftp URL with a password",
        change: gitUrl(`ftp://bot:${SECRET}@git.example.test/repo.git`),
        key: "git.url",
    },
    {
        what: "a token as the https user",
        change: gitUrl(`https://${SECRET}@git.example.test/org/repo.git`),
        key: "git.url",
    },
    {
        what: "a token query parameter",
        change: gitUrl(`https://git.example.test/org/repo.git?private_token=${SECRET}`),
        key: "git.url",
    },
    {
        what: "a password in a URL without a repository path",
        change: gitUrl(`https://bot:${SECRET}@git.example.test/`),
        key: "git.url",
    },
    {
        what: "a password in an ssh URL",
        change: (c) => withValue(c, "git", ["url"], `ssh://git:${SECRET}@git.example.test/r.git`),
        key: "git.url",
    },
    {
        what: "a manifest URL with a password",
        change: (c) =>
            withValue(c, "flux", ["manifest"], `https://bot:${SECRET}@mirror.example.test/i.yaml`),
        key: "flux.manifest",
    },
    {
        what: "a manifest URL over ftp with a password (the schema check fails first)",
        change: (c) =>
            withValue(c, "flux", ["manifest"], `ftp://bot:${SECRET}@mirror.example.test/i.yaml`),
        key: "flux.manifest",
    },
    {
        what: "a presigned manifest URL",
        change: (c) =>
            withValue(
                c,
                "flux",
                ["manifest"],
                `https://mirror.example.test/i.yaml?X-Amz-Signature=${SECRET}`,
            ),
        key: "flux.manifest",
    },
    {
        what: "a password stored in plain text that is not a string",
        change: (c) => {
            let out = httpsBasic(
                withValue(c, "git", [], { url: "https://git.example.test/r.git", auth: "basic" }),
            );
            out = withValue(out, "gitUsername", [], "bot");
            return withValue(out, "gitPassword", [], [SECRET]);
        },
        key: "gitPassword",
    },
    {
        what: "a misspelt secret key in plain text",
        change: (c) => withValue(c, "gitPasword", [], SECRET),
        key: "gitPasword",
    },
    {
        what: "an age key that is not a string",
        change: (c) => withValue(c, "ageKey", [], { key: `AGE-SECRET-KEY-1${SECRET}` }),
        secretKeys: [],
        key: "ageKey",
    },
    {
        what: "a provider token stored in plain text",
        change: (c) => ({
            ...withValue(c, "notifications", ["providers", "gh"], {
                type: "github",
                address: "https://github.com/acme/repo",
            }),
            [`${P}:notificationsGhToken`]: SECRET,
        }),
        key: "notificationsGhToken",
    },
    {
        what: "a provider token written into the stack file",
        change: (c) =>
            withValue(c, "notifications", ["providers", "gh"], {
                type: "github",
                address: "https://github.com/acme/repo",
                token: SECRET,
            }),
        key: "notifications.providers.gh.token",
    },
    {
        what: "a Slack webhook URL written into the stack file",
        change: (c) =>
            withValue(c, "notifications", ["providers", "slack"], {
                type: "slack",
                address: `https://hooks.slack.example/services/${SECRET}`,
            }),
        key: "notifications.providers.slack.address",
    },
    {
        what: "a webhook URL under a field of the user's own naming",
        change: (c) =>
            withValue(c, "notifications", ["providers", "slack"], {
                type: "slack",
                webhookUrl: `https://hooks.slack.example/services/${SECRET}`,
            }),
        key: "notifications.providers.slack.webhookUrl",
    },
    {
        what: "the receiver's token stored in plain text",
        change: (c) => ({
            ...withValue(c, "receiver", [], { type: "github" }),
            [`${P}:receiverToken`]: SECRET,
        }),
        key: "receiverToken",
    },
    {
        what: "a provider address key that belongs to no provider",
        change: (c) => withValue(c, "notificationsSlackAddress", [], `https://h.example/${SECRET}`),
        key: "notificationsSlackAddress",
    },
];

describe("credentials are never echoed (class 2)", () => {
    let base: Awaited<ReturnType<typeof stackWithSecrets>>;
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    for (const c of cases) {
        it(`refuses ${c.what} without showing it`, async () => {
            const secretKeys =
                c.secretKeys === undefined
                    ? base.secretKeys
                    : base.secretKeys.filter((k) => k !== `${P}:ageKey`);
            const { error } = await runFailingProgram(c.change(base.config), secretKeys);
            expect(error, String(error)).to.be.instanceOf(ConfigError);
            const message = (error as Error).message;
            expect(message).to.contain(`\`${P}:${c.key}\``);
            expect(message).to.not.contain(SECRET);
            expect(message).to.not.contain(SECRET.slice(0, 6));
        });
    }

    it("never shows URL credentials, whatever else is wrong with the URL (property)", async () => {
        const user = fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/);
        const password = fc.stringMatching(/^[A-Za-z0-9]{10,20}$/);
        const host = fc.constantFrom("git.example.test", "git example.test", "", "h:99999");
        const template = fc.constantFrom(
            (u: string, p: string, h: string) => `https://${u}:${p}@${h}/org/repo.git`,
            (u: string, p: string, h: string) => `${u}:${p}@${h}:org/repo.git`,
            (u: string, p: string, h: string) => `ftp://${u}:${p}@${h}/repo`,
            (u: string, p: string, h: string) => `http://${h}/repo.git?${u}=${p}`,
            (u: string, p: string, h: string) => `https://${p}@${h}`,
            (u: string, p: string, h: string) => `ssh://${u}:${p}@${h}/r.git#x`,
        );
        await fc.assert(
            fc.asyncProperty(user, password, host, template, async (u, p, h, t) => {
                const { error } = await runFailingProgram(
                    gitUrl(t(u, p, h))(base.config),
                    base.secretKeys,
                );
                expect(error).to.be.instanceOf(ConfigError);
                expect((error as Error).message).to.not.contain(p);
            }),
            { numRuns: 40 },
        );
    });
});
