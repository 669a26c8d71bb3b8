import { expect } from "chai";
import { RawConfig } from "../../stacks";
import { parseWith, publicRepoRaw } from "../helpers/raw";

/*
 * Class 8: each problem once, at its cause rather than at every echo of it, and a
 * hint for the usual slips.
 */
const P = "flux-gitops";

describe("messages (class 8)", () => {
    let raw: RawConfig;
    before(async () => {
        raw = await publicRepoRaw();
    });

    const hints: [string, Record<string, unknown>, string, string][] = [
        [
            "a field set without --path",
            { "layers.apps.interval": "5m" },
            "layers.apps.interval",
            `run \`pulumi config rm '${P}:layers.apps.interval'\`, then \`pulumi config set --path '${P}:layers.apps.interval' <value>\``,
        ],
        [
            "a list item set without --path",
            { "layers.apps.dependsOn[0]": "databases" },
            "layers.apps.dependsOn[0]",
            "set without --path",
        ],
        [
            "a tag that --path stored as a number",
            { git: { ref: { tag: 1 } } },
            "git.ref.tag",
            "it is the number 1 (--path stores digits as a number): add `--type string`",
        ],
        [
            "a branch that --path stored as a boolean",
            { git: { ref: { branch: true } } },
            "git.ref.branch",
            "it is the boolean true",
        ],
        [
            "a boolean written in quotes",
            { layers: { apps: { prune: "false" } } },
            "layers.apps.prune",
            'it is the text "false": write it without quotes',
        ],
        ["a key in the wrong case", { agekey: "x" }, "agekey", `did you mean \`${P}:ageKey\`?`],
    ];
    for (const [what, changes, key, hint] of hints) {
        it(`hints at the cause of ${what}`, async () => {
            const { problems } = await parseWith(raw, changes);
            expect(problems.map((p) => p.key)).to.deep.equal([`${P}:${key}`]);
            expect(problems[0].expected).to.contain(hint);
        });
    }

    it("reports a disabled layer once, however many layers depend on it", async () => {
        const { problems } = await parseWith(raw, {
            layers: {
                infrastructure: { enabled: false },
                monitoring: { path: "./gitops/monitoring", dependsOn: ["infrastructure"] },
            },
        });
        expect(problems.map((p) => [p.key, p.expected])).to.deep.equal([
            [
                `${P}:layers.infrastructure.enabled`,
                "true while `databases`, `monitoring` depend on it; remove `infrastructure` from their dependsOn, or disable them too",
            ],
        ]);
    });

    it("does not blame the layers that depend on a layer with problems of its own", async () => {
        const { problems } = await parseWith(raw, {
            layers: {
                monitoring: { path: "./gitops/monitoring", interval: "often" },
                alerts: { path: "./gitops/alerts", dependsOn: ["monitoring"] },
            },
        });
        expect(problems.map((p) => p.key)).to.deep.equal([`${P}:layers.monitoring.interval`]);
    });

    it("reports an auth kind that does not fit the URL, not the credentials that follow from it", async () => {
        const { problems } = await parseWith(raw, {
            git: { url: "ssh://git@git.example.test/org/repo.git", auth: "basic" },
            gitSshIdentity: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n",
            gitKnownHosts: "git.example.test ssh-ed25519 AAAA",
        });
        expect(problems.map((p) => p.key)).to.deep.equal([`${P}:git.auth`]);
    });

    it("reports a path of the wrong type once", async () => {
        const { problems } = await parseWith(raw, { layers: { apps: { path: [] } } });
        expect(problems.map((p) => p.key)).to.deep.equal([`${P}:layers.apps.path`]);
    });
});
