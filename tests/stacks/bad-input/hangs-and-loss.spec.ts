import { expect } from "chai";
import { RawConfig } from "../../../stacks";
import { stackWithSecrets, withValue } from "../../helpers/fixtures";
import { runProgram } from "../../helpers/mocks";
import { parseWith, publicRepoRaw } from "../../helpers/raw";

/*
 * Class 5: settings that make `pulumi up` wait for what can never be Ready, or
 * that silently undo a layer's promise to keep its data, are refused; where a
 * user may mean them, they are accepted with a warning that says why.
 */
const P = "flux-gitops";
const newLayer = (name: string, settings: Record<string, unknown>) => ({
    layers: { [name]: settings },
});
const sshGit = {
    git: { url: "ssh://git@git.example.test/org/repo.git", secretName: "sops-age" },
    gitSshIdentity: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n",
    gitKnownHosts: "git.example.test ssh-ed25519 AAAA",
};

const refused: [string, Record<string, unknown>, string, string][] = [
    ["a zero readiness timeout", { readiness: { timeout: "0s" } }, "readiness.timeout", "zero"],
    [
        "a zero layer timeout",
        { layers: { apps: { timeout: "0m" } } },
        "layers.apps.timeout",
        "zero",
    ],
    [
        "an interval longer than Go can hold",
        { layers: { apps: { interval: "3000000h" } } },
        "layers.apps.interval",
        "longest duration",
    ],
    [
        "the Git auth Secret named like the sops-age Secret",
        sshGit,
        "git.secretName",
        "one would overwrite the other",
    ],
    [
        "two layers with the same path",
        { layers: { apps: { path: "gitops/apps/databases/" } } },
        "layers.apps.path",
        "a path of its own",
    ],
    [
        "a pruning layer whose path contains the Orphan databases",
        newLayer("everything", { path: "./gitops" }),
        "layers.everything.deletionPolicy",
        "`databases` (./gitops/apps/databases) keep their objects",
    ],
    [
        "a Delete layer at the repository root",
        newLayer("root", { path: ".", prune: false, deletionPolicy: "Delete" }),
        "layers.root.deletionPolicy",
        "would delete them",
    ],
    [
        "uninstalling Flux while databases are Orphan",
        { flux: { keepOnDestroy: false } },
        "flux.keepOnDestroy",
        "helm-controller then uninstalls",
    ],
    [
        "a dependsOn entry listed twice",
        { layers: { apps: { dependsOn: ["databases", "databases"] } } },
        "layers.apps.dependsOn[1]",
        "each layer once",
    ],
    [
        "a health check listed twice",
        {
            layers: {
                apps: {
                    healthChecks: [
                        { name: "a", namespace: "n" },
                        { name: "a", namespace: "n", kind: "HelmRelease" },
                    ],
                },
            },
        },
        "layers.apps.healthChecks[1]",
        "each object once",
    ],
];

const warned: [string, Record<string, unknown>, string, string][] = [
    [
        "dependsOn a suspended layer",
        { layers: { infrastructure: { suspend: true } } },
        "layers.databases.dependsOn[0]",
        "is suspended",
    ],
    [
        "an Orphan layer whose path contains another layer's",
        newLayer("everything", { path: "./gitops", deletionPolicy: "Orphan" }),
        "layers.everything.path",
        "both layers apply them",
    ],
    [
        "a readiness timeout of half a day",
        { readiness: { timeout: "12h" } },
        "readiness.timeout",
        "waits that long",
    ],
];

describe("accepted, then hangs or loses data (class 5)", () => {
    let raw: RawConfig;
    before(async () => {
        raw = await publicRepoRaw();
    });

    for (const [what, changes, key, why] of refused) {
        it(`refuses ${what}`, async () => {
            const { problems } = await parseWith(raw, changes);
            expect(problems.map((p) => p.key)).to.deep.equal([`${P}:${key}`]);
            expect(problems[0].expected).to.contain(why);
        });
    }

    for (const [what, changes, key, why] of warned) {
        it(`accepts ${what}, with a warning that says why`, async () => {
            const { problems, warnings } = await parseWith(raw, changes);
            expect(problems).to.deep.equal([]);
            expect(warnings.map((w) => w.key)).to.deep.equal([`${P}:${key}`]);
            expect(warnings[0].reason).to.contain(why);
        });
    }

    it("shows each warning on `pulumi up` through Pulumi's log", async () => {
        const base = await stackWithSecrets("prod");
        const logged: string[] = [];
        const warn = console.warn;
        // Under mocks there is no engine: pulumi.log.warn writes to console.warn.
        console.warn = (...args: unknown[]) => logged.push(args.join(" "));
        try {
            await runProgram(
                withValue(base.config, "readiness", ["timeout"], "12h"),
                base.secretKeys,
            );
        } finally {
            console.warn = warn;
        }
        expect(
            logged.filter((l) => l.includes(`\`${P}:readiness.timeout\` is "12h"`)),
        ).to.have.length(1);
    });

    it("accepts the dev stack's destroy policy: Flux uninstalled, databases deleted first", async () => {
        const { problems, warnings } = await parseWith(raw, {
            flux: { keepOnDestroy: false },
            layers: { databases: { deletionPolicy: "WaitForTermination" } },
        });
        expect(problems).to.deep.equal([]);
        expect(warnings).to.deep.equal([]);
    });
});
