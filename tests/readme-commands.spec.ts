import { expect } from "chai";
import { commandLines, readmeShellBlocks, substitute, without } from "./e2e/helpers/readme";

const SAMPLE = [
    "# Title",
    "## Set up",
    "```bash",
    "npm ci",
    "# a comment line",
    "",
    "pulumi stack select --create prod   # or dev",
    "```",
    "```yaml",
    "not: a command",
    "```",
    "## Deploy",
    "```sh",
    "pulumi up --stack prod",
    "```",
].join("\n");

describe("README command extraction (the e2e README test's source)", () => {
    it("takes only the shell blocks of the named section, without blank and comment lines", () => {
        expect(commandLines(readmeShellBlocks("Set up", SAMPLE))).to.deep.equal([
            "npm ci",
            "pulumi stack select --create prod   # or dev",
        ]);
        expect(commandLines(readmeShellBlocks("Deploy", SAMPLE))).to.deep.equal([
            "pulumi up --stack prod",
        ]);
    });

    it("names a missing section", () => {
        expect(() => readmeShellBlocks("Nowhere", SAMPLE)).to.throw('no section "## Nowhere"');
    });

    it("substitutes literally and insists on the expected number of matches", () => {
        const cmds = ["pulumi up --stack prod", "pulumi preview --stack prod"];
        expect(
            substitute(cmds, [{ from: "--stack prod", to: "--stack dev", count: 2 }]),
        ).to.deep.equal(["pulumi up --stack dev", "pulumi preview --stack dev"]);
        expect(() => substitute(cmds, [{ from: "--stack prod", to: "x" }])).to.throw(
            '"--stack prod" 2 times, expected 1',
        );
        expect(() => substitute(cmds, [{ from: "github.com", to: "x" }])).to.throw(
            '"github.com" 0 times, expected 1',
        );
    });

    it("drops deliberately skipped commands, and fails when they are gone from README", () => {
        expect(without(["npm ci", "pulumi up"], /^npm ci$/)).to.deep.equal(["pulumi up"]);
        expect(() => without(["pulumi up"], /^npm ci$/)).to.throw("no README command matches");
    });

    it("finds in the real README the set-up and deploy commands the e2e suite runs", () => {
        const setUp = commandLines(readmeShellBlocks("Set up (two commands)"));
        expect(setUp[0]).to.equal("npm ci");
        expect(setUp).to.include("pulumi config set --secret flux-gitops:ageKey < age.agekey");
        expect(setUp.some((c) => c.startsWith("pulumi config set --path git.url "))).to.equal(true);
        const deploy = commandLines(readmeShellBlocks("Deploy a stack"));
        expect(deploy.map((c) => c.replace(/\s+#.*$/, ""))).to.deep.equal([
            "pulumi preview --stack prod",
            "pulumi up --stack prod",
            "pulumi stack output ageRecipients --stack prod",
        ]);
    });
});
