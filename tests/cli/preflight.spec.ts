import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "../../cli/args";
import { resolveRecipients } from "../../cli/preflight";
import { Finding } from "../../cli/preflight/findings";
import { runPreflight } from "../../cli/preflight/run";
import { stackDeclared } from "../../cli/preflight/stack-owned";
import { loadOfflineStack, OfflineStack } from "../../cli/stack-config";
import { newAgeRecipient } from "../helpers/keys";
import {
    helmRelease,
    kustomization,
    plainSecret,
    preflightRepo,
    RepoFiles,
    sopsConfig,
    writeRepo,
} from "../helpers/repo-fixture";
import { sopsLikeEncrypt } from "../helpers/sops-like";
import { PROJECT_DIR } from "../helpers/stack-file";

const PROD_FILE = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8");

/** `Pulumi.prod.yaml:<n>` of the first line holding `needle`, from the file as written. */
function prodLine(needle: string, after = ""): string {
    const lines = PROD_FILE.split("\n");
    const start = after === "" ? 0 : lines.findIndex((l) => l.includes(after));
    const i = lines.findIndex((l, j) => j >= start && l.includes(needle));
    if (i < 0) throw new Error(`Pulumi.prod.yaml has no line with ${needle}`);
    return `Pulumi.prod.yaml:${i + 1}`;
}

/** The parts of a finding a reader acts on; messages are checked separately where they matter. */
type Where = Pick<Finding, "severity" | "rule" | "file" | "line" | "key" | "keyAt">;
const where = (f: Finding): Where =>
    Object.fromEntries(
        Object.entries({
            severity: f.severity,
            rule: f.rule,
            file: f.file,
            line: f.line,
            key: f.key,
            keyAt: f.keyAt,
        }).filter(([, v]) => v !== undefined),
    ) as Where;

describe("preflight: the prod stack against fixture repositories", function () {
    this.timeout(60000);
    let stack: OfflineStack;
    let recipient: string;
    let otherRecipient: string;
    let clean: RepoFiles;
    const dirs: string[] = [];

    const run = (files: RepoFiles, opts: { recipients?: string[] | "unknown" } = {}) => {
        const recipients =
            opts.recipients === "unknown" ? undefined : (opts.recipients ?? [recipient]);
        const repoDir = writeRepo(files);
        dirs.push(repoDir);
        return preflightRepo(stack, repoDir, recipients);
    };
    const variant = (changes: Record<string, string | undefined>): RepoFiles => {
        const files: RepoFiles = { ...clean };
        for (const [k, v] of Object.entries(changes)) {
            if (v === undefined) delete files[k];
            else files[k] = v;
        }
        return files;
    };

    before(async () => {
        stack = await loadOfflineStack("prod");
        recipient = await newAgeRecipient();
        otherRecipient = await newAgeRecipient();
        const enc = (ns: string, name: string) =>
            sopsLikeEncrypt(plainSecret(ns, name), [recipient]);
        clean = {
            ".sops.yaml": sopsConfig("^gitops/.*secret\\.yaml$", recipient),
            "gitops/infrastructure/kustomization.yaml": kustomization(
                "cert-manager.yaml",
                "secret.yaml",
            ),
            "gitops/infrastructure/cert-manager.yaml": helmRelease("cert-manager", "cert-manager"),
            "gitops/infrastructure/secret.yaml": await enc("cert-manager", "cloudflare"),
            "gitops/apps/databases/kustomization.yaml": kustomization(
                "postgresql.yaml",
                "redis.yaml",
                "secret.yaml",
            ),
            "gitops/apps/databases/postgresql.yaml": helmRelease("databases", "postgresql"),
            // Same-layer dependencies are fine.
            "gitops/apps/databases/redis.yaml": helmRelease(
                "databases",
                "redis",
                "  dependsOn:\n    - name: postgresql\n",
            ),
            "gitops/apps/databases/secret.yaml": await enc("databases", "credentials"),
            "gitops/apps/applications/kustomization.yaml": kustomization(
                "authentik.yaml",
                "secret.yaml",
            ),
            // A dependency on an earlier layer is fine too.
            "gitops/apps/applications/authentik.yaml": helmRelease(
                "authentik",
                "authentik",
                "  dependsOn:\n    - name: postgresql\n      namespace: databases\n",
            ),
            "gitops/apps/applications/secret.yaml": await enc("authentik", "secret-key"),
        };
    });
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("finds nothing in a clean repository", () => {
        expect(run(clean)).to.deep.equal([]);
    });

    it("accepts a layer of plain manifests without kustomization.yaml (Flux generates one)", () => {
        expect(
            run(variant({ "gitops/apps/databases/kustomization.yaml": undefined })),
        ).to.deep.equal([]);
    });

    describe("layer paths", () => {
        it("reports a layer path that does not exist, with its config key and line", () => {
            const files = variant({
                "gitops/apps/databases/kustomization.yaml": undefined,
                "gitops/apps/databases/postgresql.yaml": undefined,
                "gitops/apps/databases/redis.yaml": undefined,
                "gitops/apps/databases/secret.yaml": undefined,
            });
            const findings = run(files);
            expect(findings.filter((f) => f.severity === "error").map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "layer-path",
                    file: "gitops/apps/databases",
                    key: "flux-gitops:layers.databases.path",
                    keyAt: prodLine("path: ./gitops/apps/databases"),
                },
            ]);
            expect(findings[0].message).to.contain("does not exist");
        });

        it("reports a layer folder with nothing Flux can build", () => {
            const findings = run(
                variant({
                    "gitops/apps/applications/kustomization.yaml": undefined,
                    "gitops/apps/applications/authentik.yaml": undefined,
                    "gitops/apps/applications/secret.yaml": undefined,
                    "gitops/apps/applications/README.md": "notes only\n",
                }),
            );
            const errors = findings.filter((f) => f.severity === "error");
            expect(errors.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "layer-path",
                    file: "gitops/apps/applications",
                    key: "flux-gitops:layers.apps.path",
                    keyAt: prodLine("path: ./gitops/apps/applications"),
                },
                // The stack still health-checks a release that is no longer there.
                {
                    severity: "error",
                    rule: "health-check",
                    file: "gitops/apps/applications",
                    key: "flux-gitops:layers.apps.healthChecks[0]",
                    keyAt: prodLine("- kind: HelmRelease", "apps:"),
                },
            ]);
            expect(errors[0].message).to.contain("neither a kustomization.yaml nor any manifest");
        });

        it("reports a kustomization.yaml entry that does not exist, at its line", () => {
            const findings = run(
                variant({
                    "gitops/apps/applications/kustomization.yaml": kustomization(
                        "authentik.yaml",
                        "secret.yaml",
                        "missing.yaml",
                    ),
                }),
            );
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "layer-path",
                    file: "gitops/apps/applications/kustomization.yaml",
                    line: 6,
                },
            ]);
            expect(findings[0].message).to.contain("missing.yaml does not exist");
        });

        it("builds nested folders with their own kustomization.yaml, and refuses one without", () => {
            const nested = variant({
                "gitops/apps/databases/kustomization.yaml": kustomization(
                    "secret.yaml",
                    "releases",
                ),
                "gitops/apps/databases/postgresql.yaml": undefined,
                "gitops/apps/databases/redis.yaml": undefined,
                "gitops/apps/databases/releases/kustomization.yaml": kustomization(
                    "postgresql.yaml",
                    "redis.yaml",
                ),
                "gitops/apps/databases/releases/postgresql.yaml": helmRelease(
                    "databases",
                    "postgresql",
                ),
                "gitops/apps/databases/releases/redis.yaml": helmRelease("databases", "redis"),
            });
            expect(run(nested)).to.deep.equal([]);
            delete nested["gitops/apps/databases/releases/kustomization.yaml"];
            const errors = run(nested).filter((f) => f.rule === "layer-path");
            expect(errors.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "layer-path",
                    file: "gitops/apps/databases/kustomization.yaml",
                    line: 5,
                },
            ]);
            expect(errors[0].message).to.contain(
                "releases is a folder without a kustomization.yaml",
            );
        });

        it("reports a manifest that is not valid YAML", () => {
            const findings = run(
                variant({
                    // A duplicate key on line 5.
                    "gitops/apps/applications/authentik.yaml":
                        "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: x\n  a: y\n",
                }),
            );
            expect(findings.map(where)).to.deep.include({
                severity: "error",
                rule: "yaml",
                file: "gitops/apps/applications/authentik.yaml",
                line: 5,
            });
        });
    });

    describe("health checks", () => {
        it("reports a health check whose HelmRelease is in another namespace, and the uncovered release", () => {
            const findings = run(
                variant({ "gitops/apps/databases/redis.yaml": helmRelease("cache", "redis") }),
            );
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "health-check",
                    file: "gitops/apps/databases",
                    key: "flux-gitops:layers.databases.healthChecks[1]",
                    keyAt: prodLine("- kind: HelmRelease", "name: postgresql"),
                },
                {
                    severity: "warning",
                    rule: "health-check",
                    file: "gitops/apps/databases/redis.yaml",
                    line: 1,
                    key: "flux-gitops:layers.databases.healthChecks",
                    keyAt: prodLine("healthChecks:", "databases:"),
                },
            ]);
            expect(findings[0].message).to.contain("defines it in namespace cache");
        });

        it("applies kustomize's namespace: to the objects it builds", () => {
            const findings = run(
                variant({
                    "gitops/apps/databases/redis.yaml": helmRelease("cache", "redis"),
                    "gitops/apps/databases/kustomization.yaml":
                        kustomization("postgresql.yaml", "redis.yaml", "secret.yaml") +
                        "namespace: databases\n",
                }),
            );
            expect(findings).to.deep.equal([]);
        });

        it("warns about a HelmRelease that no health check covers", () => {
            const findings = run(
                variant({
                    "gitops/apps/applications/kustomization.yaml": kustomization(
                        "authentik.yaml",
                        "secret.yaml",
                        "extra.yaml",
                    ),
                    "gitops/apps/applications/extra.yaml":
                        "---\n" + helmRelease("authentik", "outpost"),
                }),
            );
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "warning",
                    rule: "health-check",
                    file: "gitops/apps/applications/extra.yaml",
                    line: 2,
                    key: "flux-gitops:layers.apps.healthChecks",
                    keyAt: prodLine("healthChecks:", "apps:"),
                },
            ]);
        });
    });

    describe("Secrets and SOPS", () => {
        it("reports a Secret committed in clear text", () => {
            const findings = run(
                variant({
                    "gitops/apps/applications/secret.yaml":
                        "# a comment first\n" + plainSecret("authentik", "secret-key"),
                }),
            );
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "plain-secret",
                    file: "gitops/apps/applications/secret.yaml",
                    line: 2,
                },
            ]);
        });

        it("reports a clear-text Secret under a layer path even when no kustomization.yaml lists it", () => {
            const findings = run(
                variant({
                    "gitops/apps/databases/old/secret.yaml": plainSecret("databases", "old"),
                }),
            );
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "plain-secret",
                    file: "gitops/apps/databases/old/secret.yaml",
                    line: 1,
                },
            ]);
        });

        it("reports a value left in clear inside a SOPS file", async () => {
            const text = (
                await sopsLikeEncrypt(plainSecret("databases", "credentials"), [recipient])
            ).replace("stringData:\n", "stringData:\n  extra: in-clear\n");
            const findings = run(variant({ "gitops/apps/databases/secret.yaml": text }));
            const line = text.split("\n").findIndex((l) => l.includes("extra: in-clear")) + 1;
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "plain-secret",
                    file: "gitops/apps/databases/secret.yaml",
                    line,
                },
            ]);
        });

        it("reports a SOPS file encrypted for another key, at its sops.age line", async () => {
            const text = await sopsLikeEncrypt(plainSecret("databases", "credentials"), [
                otherRecipient,
            ]);
            const findings = run(variant({ "gitops/apps/databases/secret.yaml": text }));
            const line = text.split("\n").findIndex((l) => /^ {2}age:/.test(l)) + 1;
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "sops-recipient",
                    file: "gitops/apps/databases/secret.yaml",
                    line,
                    key: "flux-gitops:ageKey",
                },
            ]);
            expect(findings[0].message).to.contain(otherRecipient).and.contain(recipient);
        });

        it("accepts a file encrypted for the stack's key among others (key rotation)", async () => {
            const text = await sopsLikeEncrypt(plainSecret("databases", "credentials"), [
                otherRecipient,
                recipient,
            ]);
            expect(run(variant({ "gitops/apps/databases/secret.yaml": text }))).to.deep.equal([]);
        });

        it("skips the recipient checks, with a warning, when the recipient is unknown", () => {
            const findings = run(
                variant({ ".sops.yaml": sopsConfig("^gitops/", otherRecipient) }),
                { recipients: "unknown" },
            );
            expect(findings.map(where)).to.deep.equal([
                { severity: "warning", rule: "sops-recipient", key: "flux-gitops:ageKey" },
            ]);
        });
    });

    describe(".sops.yaml", () => {
        it("reports a missing .sops.yaml", () => {
            expect(run(variant({ ".sops.yaml": undefined })).map(where)).to.deep.equal([
                { severity: "error", rule: "sops-config", file: ".sops.yaml" },
            ]);
        });

        it("reports a creation rule that does not encrypt for the stack's key, once, at its line", () => {
            const findings = run(variant({ ".sops.yaml": sopsConfig("^gitops/", otherRecipient) }));
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "sops-config",
                    file: ".sops.yaml",
                    line: 2,
                    key: "flux-gitops:ageKey",
                },
            ]);
            expect(findings[0].message).to.contain("and 2 more");
        });

        it("reports a secret file that no creation rule covers", () => {
            const findings = run(variant({ ".sops.yaml": sopsConfig("^gitops/apps/", recipient) }));
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "sops-config",
                    file: "gitops/infrastructure/secret.yaml",
                },
            ]);
        });

        it("follows sops: the first matching rule decides, a rule without path_regex matches all", () => {
            const config =
                `creation_rules:\n  - path_regex: ^gitops/infrastructure/\n    age: ${otherRecipient}\n` +
                `  - age: ${recipient}\n`;
            const findings = run(variant({ ".sops.yaml": config }));
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "sops-config",
                    file: ".sops.yaml",
                    line: 2,
                    key: "flux-gitops:ageKey",
                },
            ]);
        });

        it("warns when a layer without secrets is covered by no rule", () => {
            const findings = run(
                variant({
                    ".sops.yaml": sopsConfig("^gitops/apps/", recipient),
                    "gitops/infrastructure/kustomization.yaml": kustomization("cert-manager.yaml"),
                    "gitops/infrastructure/secret.yaml": undefined,
                }),
            );
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "warning",
                    rule: "sops-config",
                    file: ".sops.yaml",
                    key: "flux-gitops:layers.infrastructure.path",
                    keyAt: prodLine("path: ./gitops/infrastructure"),
                },
            ]);
        });
    });

    describe("cross-layer references", () => {
        it("reports a HelmRelease that depends on one defined only in a later layer", () => {
            const findings = run(
                variant({
                    "gitops/infrastructure/cert-manager.yaml": helmRelease(
                        "cert-manager",
                        "cert-manager",
                        "  dependsOn:\n    - name: postgresql\n      namespace: databases\n",
                    ),
                }),
            );
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "dependency-order",
                    file: "gitops/infrastructure/cert-manager.yaml",
                    line: 16,
                    key: "flux-gitops:layers.infrastructure.dependsOn",
                },
            ]);
            expect(findings[0].message).to.contain("defined only in layer databases");
        });

        it("reports a chart source defined in a later layer", () => {
            const repo = `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: bitnami
  namespace: flux-system
spec:
  url: https://charts.example.test
`;
            const release = helmRelease("databases", "postgresql").replace(
                "kind: GitRepository\n        name: flux-system",
                "kind: HelmRepository\n        name: bitnami",
            );
            const findings = run(
                variant({
                    "gitops/apps/databases/postgresql.yaml": release,
                    "gitops/apps/applications/kustomization.yaml": kustomization(
                        "authentik.yaml",
                        "secret.yaml",
                        "repository.yaml",
                    ),
                    "gitops/apps/applications/repository.yaml": repo,
                }),
            );
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "error",
                    rule: "dependency-order",
                    file: "gitops/apps/databases/postgresql.yaml",
                    line: 11,
                    key: "flux-gitops:layers.databases.dependsOn",
                    keyAt: prodLine("dependsOn: [infrastructure]"),
                },
            ]);
        });

        it("warns about a dependency no layer defines", () => {
            const findings = run(
                variant({
                    "gitops/apps/applications/authentik.yaml": helmRelease(
                        "authentik",
                        "authentik",
                        "  dependsOn:\n    - name: nowhere\n",
                    ),
                }),
            );
            expect(findings.map(where)).to.deep.equal([
                {
                    severity: "warning",
                    rule: "dependency-order",
                    file: "gitops/apps/applications/authentik.yaml",
                    line: 16,
                },
            ]);
        });
    });
});

describe("preflight: objects both the stack and a layer declare", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("lists the Providers, Alerts, Receiver and Secrets the stack declares", () => {
        expect(
            stackDeclared({
                notifications: {
                    providers: [
                        {
                            name: "slack",
                            type: "slack",
                            secretName: "slack-provider",
                            credentials: { address: "https://h.example/x" },
                        },
                    ],
                    alerts: [
                        {
                            name: "slack",
                            provider: "slack",
                            layers: [],
                            source: true,
                            eventSeverity: "error",
                        },
                    ],
                },
                receiver: {
                    name: "flux-system",
                    type: "github",
                    events: [],
                    layers: [],
                    secretName: "webhook-token",
                    token: "t",
                },
            }),
        ).to.deep.equal([
            { kind: "Provider", name: "slack", key: ["notifications", "providers", "slack"] },
            {
                kind: "Secret",
                name: "slack-provider",
                key: ["notifications", "providers", "slack", "secretName"],
            },
            { kind: "Alert", name: "slack", key: ["notifications", "alerts"] },
            { kind: "Receiver", name: "flux-system", key: ["receiver", "name"] },
            { kind: "Secret", name: "webhook-token", key: ["receiver", "secretName"] },
        ]);
    });

    it("reports a Provider a layer declares in the Flux namespace that the stack declares too", async () => {
        const stack = await loadOfflineStack("prod");
        const repoDir = writeRepo({
            "gitops/infrastructure/kustomization.yaml": kustomization("slack.yaml"),
            "gitops/infrastructure/slack.yaml":
                "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n  name: slack\n  namespace: flux-system\nspec:\n  type: slack\n",
            "gitops/apps/databases/x.yaml": helmRelease("databases", "postgresql"),
            "gitops/apps/applications/x.yaml": helmRelease("authentik", "authentik"),
        });
        dirs.push(repoDir);
        const findings = runPreflight({
            repoDir,
            layers: stack.parsed.layers,
            recipients: undefined,
            source: { kind: "GitRepository", name: "flux-system", namespace: "flux-system" },
            declared: [
                { kind: "Provider", name: "slack", key: ["notifications", "providers", "slack"] },
            ],
        });
        expect(findings.filter((f) => f.rule === "stack-owned")).to.deep.equal([
            {
                severity: "error",
                rule: "stack-owned",
                file: "gitops/infrastructure/slack.yaml",
                line: 1,
                message:
                    "layer infrastructure: Provider flux-system/slack is declared by the stack too; Flux and Pulumi would each undo the other's changes: remove it from the repository, or from the stack's config",
                key: "flux-gitops:notifications.providers.slack",
                keyAt: undefined,
            },
        ]);
    });
});

describe("preflight: the stack's age recipients", () => {
    it("takes --age-recipient repeated, comma- or space-separated", async () => {
        const [a, b, c] = [
            await newAgeRecipient(),
            await newAgeRecipient(),
            await newAgeRecipient(),
        ];
        expect(await resolveRecipients({ "age-recipient": [`${a},${b}`, ` ${c} `] })).to.deep.equal(
            [a, b, c],
        );
        expect(await resolveRecipients({ "age-recipient": [`${a} ${b}`] })).to.deep.equal([a, b]);
    });

    it("derives them from a key file with the age library, every identity of it", async () => {
        const age = await import("age-encryption");
        const [k1, k2] = [await age.generateX25519Identity(), await age.generateX25519Identity()];
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "age-")), "keys.agekey");
        fs.writeFileSync(file, `# created: now\n${k1}\n\n${k2}\n`);
        expect(await resolveRecipients({ "age-key-file": file })).to.deep.equal([
            await age.identityToRecipient(k1),
            await age.identityToRecipient(k2),
        ]);
        fs.rmSync(path.dirname(file), { recursive: true });
    });

    it("is unknown when neither is given, and refuses what is not a recipient", async () => {
        expect(await resolveRecipients({})).to.equal(undefined);
        expect(await resolveRecipients({ "age-recipient": [""] })).to.equal(undefined);
        const err = await resolveRecipients({ "age-recipient": ["age1short"] }).catch((e) => e);
        expect(err).to.be.instanceOf(UsageError);
        expect(err.message).to.equal(
            '--age-recipient "age1short": expected an age X25519 recipient (age1 followed by 58 characters); a private key belongs in --age-key-file',
        );
    });
});
