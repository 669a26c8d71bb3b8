import { buildInstall } from "../../prepare/install";
import { expect } from "chai";
import { ConfigError, formatProblem, parseStackConfig, RawConfig, SEED_LAYERS } from "../../stacks";
import { EXPECT } from "../../stacks/schema";
import { stackWithSecrets, P, withValue } from "../helpers/fixtures";
import { runFailingProgram } from "../helpers/mocks";

type Config = Record<string, unknown>;

interface BadCase {
    what: string;
    change: (c: Config) => Config;
    /** Keys to store as secrets instead of the base's. */
    secretKeys?: (base: string[]) => string[];
    /** The key the error must name. */
    key: string;
    /** Text the problem's `expected` must contain. */
    expected: string;
    /** The value as the error shows it, when it matters. */
    value?: string;
}

const layer = (name: string, field: string, v: unknown) => (c: Config) =>
    withValue(c, "layers", [name, field], v);

const cases: BadCase[] = [
    {
        what: "a layer interval in words",
        change: layer("databases", "interval", "10 minutes"),
        key: "layers.databases.interval",
        expected: EXPECT.duration,
        value: '"10 minutes"',
    },
    {
        what: "a timeout without unit",
        change: layer("apps", "timeout", "5"),
        key: "layers.apps.timeout",
        expected: EXPECT.duration,
    },
    {
        what: "a negative retry interval",
        change: layer("infrastructure", "retryInterval", "-1m"),
        key: "layers.infrastructure.retryInterval",
        expected: EXPECT.duration,
    },
    {
        what: "a Git interval with a space",
        change: (c) => withValue(c, "git", ["interval"], "1 m"),
        key: "git.interval",
        expected: EXPECT.duration,
    },
    {
        what: "a readiness timeout in words",
        change: (c) => withValue(c, "readiness", ["timeout"], "soon"),
        key: "readiness.timeout",
        expected: EXPECT.duration,
    },
    {
        what: "a number as interval",
        change: layer("apps", "interval", 600),
        key: "layers.apps.interval",
        expected: EXPECT.duration,
        value: "600",
    },
    {
        what: "an absolute layer path",
        change: layer("apps", "path", "/etc/gitops"),
        key: "layers.apps.path",
        expected: EXPECT.path,
    },
    {
        what: "a layer path escaping the repo",
        change: layer("apps", "path", "./gitops/../../secrets"),
        key: "layers.apps.path",
        expected: EXPECT.path,
    },
    {
        what: "an upper-case layer name",
        change: (c) => withValue(c, "layers", ["Monitoring"], { path: "./m" }),
        key: "layers.Monitoring",
        expected: EXPECT.label,
    },
    {
        what: "a 64-character layer name",
        change: (c) => withValue(c, "layers", ["a".repeat(64)], { path: "./m" }),
        key: `layers.${"a".repeat(64)}`,
        expected: EXPECT.label,
    },
    {
        what: "dependsOn an unknown layer",
        change: layer("databases", "dependsOn", ["infra"]),
        key: "layers.databases.dependsOn[0]",
        expected: "`infra` is not a layer",
    },
    {
        what: "dependsOn a disabled layer",
        change: layer("infrastructure", "enabled", false),
        key: "layers.infrastructure.enabled",
        expected: "true while `databases` depends on it",
    },
    {
        what: "a layer depending on itself",
        change: layer("apps", "dependsOn", ["apps"]),
        key: "layers.apps.dependsOn[0]",
        expected: "cannot depend on itself",
    },
    {
        what: "a dependency cycle",
        change: layer("infrastructure", "dependsOn", ["apps"]),
        key: "layers.infrastructure.dependsOn",
        expected: "found infrastructure → apps → databases → infrastructure",
    },
    {
        what: "a new layer without a path",
        change: (c) => withValue(c, "layers", ["monitoring"], { dependsOn: ["infrastructure"] }),
        key: "layers.monitoring.path",
        expected: "needs a path",
        value: "(not set)",
    },
    {
        what: "a health check without namespace",
        change: layer("apps", "healthChecks", [{ name: "authentik" }]),
        key: "layers.apps.healthChecks[0].namespace",
        expected: EXPECT.label,
        value: "(not set)",
    },
    {
        what: "a malformed health check apiVersion",
        change: layer("apps", "healthChecks", [
            { apiVersion: "helm/v2/x", name: "a", namespace: "b" },
        ]),
        key: "layers.apps.healthChecks[0].apiVersion",
        expected: EXPECT.apiVersion,
    },
    {
        what: "a lower-case health check kind",
        change: layer("apps", "healthChecks", [{ kind: "helmrelease", name: "a", namespace: "b" }]),
        key: "layers.apps.healthChecks[0].kind",
        expected: EXPECT.kind,
    },
    {
        what: "an unknown deletion policy",
        change: layer("databases", "deletionPolicy", "Keep"),
        key: "layers.databases.deletionPolicy",
        expected: EXPECT.deletionPolicy,
    },
    {
        what: "prune as a word",
        change: layer("apps", "prune", "yes"),
        key: "layers.apps.prune",
        expected: EXPECT.boolean,
    },
    {
        what: "wait together with health checks",
        change: layer("apps", "wait", true),
        key: "layers.apps.wait",
        expected: "Flux ignores healthChecks when wait is true",
    },
    {
        what: "a misspelt layer field",
        change: layer("apps", "intervall", "5m"),
        key: "layers.apps.intervall",
        expected: "no such key",
    },
    {
        what: "a misspelt top-level key",
        change: (c) => withValue(c, "layer", [], { apps: {} }),
        key: "layer",
        expected: "no such key; the known keys are",
    },
    {
        what: "a bad targetNamespace",
        change: layer("apps", "targetNamespace", "Apps_NS"),
        key: "layers.apps.targetNamespace",
        expected: EXPECT.label,
    },
    {
        what: "a bad substitute variable name",
        change: layer("apps", "substitute", { "1bad": "x" }),
        key: "layers.apps.substitute.1bad",
        expected: EXPECT.substitute,
        value: '"1bad"',
    },
    {
        what: "layers given as a string",
        change: (c) => withValue(c, "layers", [], "infrastructure,databases"),
        key: "layers",
        expected: EXPECT.layers,
    },
    {
        what: "an scp-style Git URL",
        change: (c) => withValue(c, "git", ["url"], "git@github.com:acme/gitops.git"),
        key: "git.url",
        expected: "write ssh://git@github.com/acme/gitops.git",
    },
    {
        what: "no Git URL",
        change: (c) => withValue(c, "git", ["url"], undefined),
        key: "git.url",
        expected: "it is required",
        value: "(not set)",
    },
    {
        what: "an ftp Git URL",
        change: (c) => withValue(c, "git", ["url"], "ftp://git.example.test/repo.git"),
        key: "git.url",
        expected: EXPECT.gitUrl,
    },
    {
        what: "credentials inside the Git URL",
        change: (c) =>
            withValue(c, "git", ["url"], "https://bot:hunter2@git.example.test/repo.git"),
        key: "git.url",
        expected: "without credentials",
        value: "[contains credentials, not shown]",
    },
    {
        what: "two Git refs",
        change: (c) => withValue(c, "git", ["ref"], { branch: "main", tag: "v1" }),
        key: "git.ref",
        expected: EXPECT.gitRef,
    },
    {
        what: "a short commit",
        change: (c) => withValue(c, "git", ["ref"], { commit: "abc123" }),
        key: "git.ref.commit",
        expected: EXPECT.commit,
    },
    {
        what: "an unknown auth kind",
        change: (c) => withValue(c, "git", ["auth"], "token"),
        key: "git.auth",
        expected: EXPECT.gitAuth,
    },
    {
        what: "basic auth on an ssh URL",
        change: (c) => withValue(c, "git", ["auth"], "basic"),
        key: "git.auth",
        expected: "ssh (or unset) for an ssh:// URL",
    },
    {
        what: "an ssh URL without its identity",
        change: (c) => withValue(c, "gitSshIdentity", [], undefined),
        key: "gitSshIdentity",
        expected: "required when `flux-gitops:git.auth` is ssh",
        value: "(not set)",
    },
    {
        what: "an ssh URL without known_hosts",
        change: (c) => withValue(c, "gitKnownHosts", [], undefined),
        key: "gitKnownHosts",
        expected: "required when `flux-gitops:git.auth` is ssh",
    },
    {
        what: "an SSH identity in plain text",
        change: (c) => c,
        secretKeys: (b) => b.filter((k) => k !== `${P}:gitSshIdentity`),
        key: "gitSshIdentity",
        expected: "set it with `pulumi config set --secret flux-gitops:gitSshIdentity`",
        value: "[stored in plain text, not shown]",
    },
    {
        what: "an SSH identity that is not a key",
        change: (c) => withValue(c, "gitSshIdentity", [], "hunter2"),
        key: "gitSshIdentity",
        expected: "a private SSH key",
        value: "[secret]",
    },
    {
        what: "a password left over from basic auth",
        change: (c) => withValue(c, "gitPassword", [], "hunter2"),
        secretKeys: (b) => [...b, `${P}:gitPassword`],
        key: "gitPassword",
        expected: "not set when `flux-gitops:git.auth` is ssh",
    },
    {
        what: "basic auth over plain http",
        change: (c) =>
            withValue(
                withValue(
                    withValue(
                        withValue(c, "git", ["url"], "http://git.example.test/r.git"),
                        "git",
                        ["auth"],
                        "basic",
                    ),
                    "gitSshIdentity",
                    [],
                    undefined,
                ),
                "gitKnownHosts",
                [],
                undefined,
            ),
        key: "git.auth",
        expected: "credentials are only sent over https://",
    },
    {
        what: "no age key",
        change: (c) => withValue(c, "ageKey", [], undefined),
        key: "ageKey",
        expected: "pulumi config set --secret flux-gitops:ageKey < age.agekey",
        value: "(not set)",
    },
    {
        what: "an age key with a bad checksum",
        change: (c) => withValue(c, "ageKey", [], "AGE-SECRET-KEY-1" + "Q".repeat(58)),
        key: "ageKey",
        expected: "identity 1 is not a valid age identity",
        value: "[secret]",
    },
    {
        what: "an age public key instead of the private key",
        change: (c) =>
            withValue(
                c,
                "ageKey",
                [],
                "age1tngfe6nmzd3wwzeq6lwj3n7e0nq0yxjwf94tsu9a6x733tc2fvssmfr2sa",
            ),
        key: "ageKey",
        expected: "identity 1 is not an X25519 age identity",
    },
    {
        what: "an age key file with only comments",
        change: (c) => withValue(c, "ageKey", [], "# created: 2026-01-01\n# public key: age1...\n"),
        key: "ageKey",
        expected: "it holds no identity",
    },
    {
        what: "an age key in plain text",
        change: (c) => c,
        secretKeys: (b) => b.filter((k) => k !== `${P}:ageKey`),
        key: "ageKey",
        expected: "set it with `pulumi config set --secret flux-gitops:ageKey`",
    },
    {
        what: "a Flux version older than supported",
        change: (c) => withValue(c, "flux", ["version"], "v2.6.4"),
        key: "flux.version",
        expected: EXPECT.fluxVersion,
    },
    {
        what: "a Flux version that is not a release",
        change: (c) => withValue(c, "flux", ["version"], "latest"),
        key: "flux.version",
        expected: EXPECT.fluxVersion,
    },
    {
        what: "a namespace with upper case",
        change: (c) => withValue(c, "flux", ["namespace"], "Flux_System"),
        key: "flux.namespace",
        expected: EXPECT.label,
    },
    {
        what: "another namespace with the release manifest",
        change: (c) => withValue(c, "flux", ["namespace"], "gitops"),
        key: "flux.namespace",
        expected: "flux install --export --namespace=gitops",
    },
    {
        what: "a manifest over ftp",
        change: (c) => withValue(c, "flux", ["manifest"], "ftp://mirror.example.test/install.yaml"),
        key: "flux.manifest",
        expected: EXPECT.manifest,
    },
    {
        what: "a manifest file that does not exist",
        change: (c) => withValue(c, "flux", ["manifest"], "./vendor/flux-install.yaml"),
        key: "flux.manifest",
        expected: "no file exists at",
    },
    {
        what: "a sops secret name with a space",
        change: (c) => withValue(c, "sops", ["secretName"], "sops age"),
        key: "sops.secretName",
        expected: EXPECT.subdomain,
    },
    {
        what: "readiness.enabled as a word",
        change: (c) => withValue(c, "readiness", ["enabled"], "yes"),
        key: "readiness.enabled",
        expected: EXPECT.boolean,
    },
    {
        what: "flux given as a string",
        change: (c) => withValue(c, "flux", [], "v2.9.5"),
        key: "flux",
        expected: EXPECT.object,
    },
];

describe("config validation", () => {
    let base: { config: Config; secretKeys: string[]; ageKey: string; sshIdentity: string };
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    it("has a table of at least 25 distinct bad configurations", () => {
        expect(new Set(cases.map((c) => c.what)).size).to.equal(cases.length);
        expect(cases.length).to.be.at.least(25);
    });

    for (const c of cases) {
        it(`rejects ${c.what}, naming \`${P}:${c.key}\`, and declares nothing`, async () => {
            const config = c.change(base.config);
            const secretKeys = c.secretKeys ? c.secretKeys(base.secretKeys) : base.secretKeys;
            const { error, resources } = await runFailingProgram(config, secretKeys, {
                stack: "prod",
            });
            expect(error, String(error)).to.be.instanceOf(ConfigError);
            expect(resources, "registered resources").to.deep.equal([]);
            const problems = (error as ConfigError).problems.filter(
                (p) => p.key === `${P}:${c.key}`,
            );
            expect(problems, (error as Error).message).to.have.length.greaterThan(0);
            expect(problems.map((p) => p.expected).join("\n")).to.contain(c.expected);
            if (c.value !== undefined) {
                expect(problems[0].value).to.equal(c.value);
            }
            // Secrets never reach the message, whatever the problem.
            const message = (error as Error).message;
            for (const secret of [
                base.ageKey,
                base.sshIdentity.split("\n")[1],
                "hunter2",
                "QQQQQQQQQQ",
            ]) {
                expect(message).to.not.contain(secret);
            }
        });
    }

    it("reports every problem at once, in key order, in one message naming key, value and expected form", async () => {
        let config = withValue(base.config, "layers", ["databases", "interval"], "10 minutes");
        config = withValue(config, "git", ["url"], "git@github.com:acme/gitops.git");
        config = withValue(config, "ageKey", [], undefined);
        const { error } = await runFailingProgram(config, base.secretKeys, { stack: "prod" });
        expect((error as Error).message).to.equal(
            [
                'Invalid configuration for stack "prod" (3 problems):',
                "  - `flux-gitops:ageKey` is (not set): expected one or more age identities (AGE-SECRET-KEY-1…, one per line; '#' comments and blank lines allowed), e.g. the output of `age-keygen`; set it with `pulumi config set --secret flux-gitops:ageKey < age.agekey`",
                '  - `flux-gitops:git.url` is "git@github.com:acme/gitops.git": expected an ssh://, https:// or http:// URL such as ssh://git@github.com/org/repo.git; Flux does not take scp-style addresses, write ssh://git@github.com/acme/gitops.git',
                '  - `flux-gitops:layers.databases.interval` is "10 minutes": expected a Flux duration such as 10m0s, 90s or 1h30m (pattern ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$)',
                "Fix them with `pulumi config set --path <key> <value>`; secrets with `pulumi config set --secret <key>`. Nothing was deployed.",
            ].join("\n"),
        );
    });

    it("is a RunError, so Pulumi prints it without a stack trace", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const { error } = await runFailingProgram(
            withValue(base.config, "ageKey", [], undefined),
            base.secretKeys,
        );
        expect(pulumi.RunError.isInstance(error)).to.equal(true);
    });
});

describe("parseStackConfig", () => {
    const raw = async (): Promise<RawConfig> => {
        const age = await import("age-encryption");
        return {
            git: { value: { url: "https://git.example.test/public.git" }, secret: false },
            ageKey: { value: await age.generateX25519Identity(), secret: true },
        };
    };

    it("fills in the seed: Flux namespace, Git defaults, sops-age and the three layers", async () => {
        const r = await parseStackConfig(await raw());
        if (!r.ok) throw new Error(r.problems.map(formatProblem).join("\n"));
        const flux = r.config.flux;
        const { objects } = await buildInstall(flux);
        expect(flux).to.deep.equal({
            version: "v2.9.5",
            namespace: "flux-system",
            manifest: "https://github.com/fluxcd/flux2/releases/download/v2.9.5/install.yaml",
            keepOnDestroy: true,
            options: {},
        });
        // Flux's four default controllers out of the (synthetic) release's five.
        expect(objects!.filter((o) => o.kind === "Deployment")).to.have.length(4);
        expect(r.config.source.kind === "git" && r.config.source.git).to.deep.include({
            repositoryName: "flux-system",
            ref: { branch: "main" },
            interval: "1m0s",
            auth: "none",
        });
        expect(r.config.sops.secretName).to.equal("sops-age");
        expect(r.config.readiness).to.deep.equal({ enabled: true, timeout: "10m" });
        expect(
            r.config.layers.map((l) => [l.name, l.path, l.interval, l.prune, l.dependsOn]),
        ).to.deep.equal([
            ["infrastructure", "./gitops/infrastructure", "10m0s", true, []],
            ["databases", "./gitops/apps/databases", "10m0s", true, ["infrastructure"]],
            ["apps", "./gitops/apps/applications", "10m0s", true, ["databases"]],
        ]);
    });

    it("orphans the databases layer's workloads unless a stack says otherwise", async () => {
        const r = await parseStackConfig(await raw());
        expect(
            r.ok && r.config.layers.find((l) => l.name === "databases")?.deletionPolicy,
        ).to.equal("Orphan");
        expect(SEED_LAYERS.infrastructure.deletionPolicy).to.equal(undefined);
    });

    it("accepts a Flux version without the v and pins it with one", async () => {
        const r = await parseStackConfig({
            ...(await raw()),
            flux: { value: { version: "2.7.5" }, secret: false },
        });
        expect(r.ok && r.config.flux.version).to.equal("v2.7.5");
        expect(r.ok && r.config.flux.manifest).to.equal(
            "https://github.com/fluxcd/flux2/releases/download/v2.7.5/install.yaml",
        );
    });

    it("derives one recipient per identity of a multi-key file", async () => {
        const age = await import("age-encryption");
        const [a, b] = [await age.generateX25519Identity(), await age.generateX25519Identity()];
        const r = await parseStackConfig({
            ...(await raw()),
            ageKey: { value: `# old\n${a}\n\n# new\n${b}\n`, secret: true },
        });
        expect(r.ok && r.config.sops.recipients).to.deep.equal([
            await age.identityToRecipient(a),
            await age.identityToRecipient(b),
        ]);
    });
});
