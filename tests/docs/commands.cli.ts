import { expect } from "chai";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { parse } from "yaml";
import { parseStackConfig } from "../../stacks";
import {
    codeBlocks,
    commandLines,
    docSectionText,
    docShellBlocks,
    DOCUMENTED,
    readDoc,
    sectionLines,
    shellBlocks,
    substitute,
    without,
} from "../e2e/helpers/readme";
import { KNOWN_HOSTS, newAgeIdentity } from "../helpers/keys";
import { publicRepoRaw, parseWith } from "../helpers/raw";
import { readTree, writeRepo } from "../helpers/repo-fixture";
import { sopsLikeEncrypt } from "../helpers/sops-like";
import { PROJECT_DIR } from "../helpers/stack-file";

const run = promisify(execFile);

const SAMPLE = [
    "# Title",
    "## Set up",
    "```bash",
    "npm ci",
    "# a comment line, not a heading",
    "",
    "pulumi stack select --create prod   # or dev",
    "```",
    "```yaml",
    "not: a command",
    "```",
    "### Keys",
    "```sh",
    "age-keygen -o age.agekey",
    "```",
    "## Deploy",
    "```sh",
    "pulumi up --stack prod",
    "```",
].join("\n");

/** A documented `npm run <script> -- <args>` command, run as npm runs it (cli/run.js), from `cwd`. */
function runNpmCommand(command: string, cwd: string) {
    const m = /^npm run (render|preflight) -- (.*)$/.exec(command);
    if (m === null) throw new Error(`not an npm run render/preflight command: ${command}`);
    const args = m[2].split(/\s+/);
    return run(process.execPath, [path.join(PROJECT_DIR, "cli/run.js"), m[1], ...args], {
        cwd: PROJECT_DIR,
        env: { ...process.env, INIT_CWD: cwd },
    });
}

/** The YAML blocks under `heading` of README.md, parsed. */
function readmeYaml(heading: string): Record<string, any>[] {
    return codeBlocks(readDoc("README.md"), heading, /^ya?ml$/, "README.md").map((b) => parse(b));
}

function onPath(command: string): boolean {
    try {
        execFileSync("bash", ["-c", `command -v ${command}`], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

describe("documented commands: extraction (the e2e suites' source)", () => {
    it("takes only the shell blocks of the named section and its subsections, without blank and comment lines", () => {
        expect(commandLines(shellBlocks(SAMPLE, "## Set up"))).to.deep.equal([
            "npm ci",
            "pulumi stack select --create prod   # or dev",
            "age-keygen -o age.agekey",
        ]);
        expect(commandLines(shellBlocks(SAMPLE, "### Keys"))).to.deep.equal([
            "age-keygen -o age.agekey",
        ]);
        expect(commandLines(shellBlocks(SAMPLE, "## Deploy"))).to.deep.equal([
            "pulumi up --stack prod",
        ]);
    });

    it("does not take a comment inside a code block for a heading", () => {
        expect(sectionLines(SAMPLE, "# Title")).to.have.length(SAMPLE.split("\n").length - 1);
    });

    it("takes code blocks of another language when asked", () => {
        expect(codeBlocks(SAMPLE, "## Set up", /^yaml$/)).to.deep.equal(["not: a command"]);
    });

    it("names a missing section, and the document", () => {
        expect(() => shellBlocks(SAMPLE, "## Nowhere", "README.md")).to.throw(
            'README.md has no heading "## Nowhere"',
        );
        expect(() => shellBlocks(SAMPLE, "Set up")).to.throw("is not a Markdown heading line");
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

    it("drops deliberately skipped commands, and fails when they are gone", () => {
        expect(without(["npm ci", "pulumi up"], /^npm ci$/)).to.deep.equal(["pulumi up"]);
        expect(() => without(["pulumi up"], /^npm ci$/)).to.throw("no documented command matches");
    });
});

describe("documented commands: what the e2e suites read is where they read it", () => {
    it("set-up: the commands tests/e2e/cli.e2e.ts runs, with its substitutions matching once each", () => {
        const setUp = commandLines(docShellBlocks(DOCUMENTED.setUp));
        expect(setUp[0]).to.equal("npm ci");
        expect(setUp).to.include("pulumi config set --secret flux-gitops:ageKey < age.agekey");
        expect(setUp).to.include(
            "pulumi config set --secret flux-gitops:gitSshIdentity < flux-deploy-key",
        );
        // The same calls as cli.e2e.ts's setUpCommands: each substitution must match exactly once.
        const substituted = substitute(without(setUp, /^npm ci$/), [
            { from: "ssh://git@github.com/<org>/<repo>.git", to: "URL" },
            { from: "ssh-keyscan github.com", to: "ssh-keyscan -p 1 127.0.0.1" },
            { from: "pulumi stack select --create prod", to: "pulumi stack select --create dev" },
        ]);
        expect(substituted).to.deep.equal([
            "pulumi stack select --create dev      # or dev",
            "pulumi config set --secret flux-gitops:ageKey < age.agekey",
            "pulumi config set --secret flux-gitops:gitSshIdentity < flux-deploy-key",
            'pulumi config set flux-gitops:gitKnownHosts "$(ssh-keyscan -p 1 127.0.0.1 2>/dev/null)"',
            "pulumi config set --path git.url URL",
        ]);
    });

    it("deploy: preview, up and the recipient output, each for --stack prod", () => {
        const deploy = commandLines(docShellBlocks(DOCUMENTED.deploy));
        expect(deploy.map((c) => c.replace(/\s+#.*$/, ""))).to.deep.equal([
            "pulumi preview --stack prod",
            "pulumi up --stack prod",
            "pulumi stack output ageRecipients --stack prod",
        ]);
        expect(
            substitute(deploy, [{ from: "--stack prod", to: "--stack dev", count: 3 }]),
        ).to.have.length(3);
    });

    it("the config example the e2e suite applies", () => {
        expect(docSectionText(DOCUMENTED.configExample)).to.contain(
            "pulumi config set --path 'layers.apps.interval' 5m",
        );
    });
});

describe("documented commands: the offline ones, run as shown", function () {
    this.timeout(120000);

    it("README's offline try renders the prod stack", async () => {
        const commands = commandLines(shellBlocks(readDoc("README.md"), "## Try it offline"));
        expect(commands).to.deep.equal(["npm ci", "npm run render -- --stack prod"]);
        const { stdout } = await runNpmCommand(commands[1], PROJECT_DIR);
        expect(stdout).to.contain("# Source: gotk-sync.yaml");
        expect(stdout.match(/^kind: Kustomization$/gm)).to.have.length(3);
    });

    it("README's preflight passes against a repository encrypted with README's .sops.yaml", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-preflight-"));
        try {
            const identity = await newAgeIdentity();
            const age = await import("age-encryption");
            const recipient = await age.identityToRecipient(identity);
            const sopsYaml = codeBlocks(
                readDoc("README.md"),
                "### Encrypt for the stack's key",
                /^ya?ml$/,
            );
            expect(sopsYaml).to.have.length(1);
            expect(sopsYaml[0]).to.match(/^\s+age: age1\.\.\./m);
            const files = readTree(path.join(PROJECT_DIR, "tests/integration/fixtures/gitops"));
            files[".sops.yaml"] = `${sopsYaml[0].replace(/^(\s+age:).*$/m, `$1 ${recipient}`)}\n`;
            for (const f of Object.keys(files).filter((f) => f.endsWith("/secret.yaml"))) {
                files[f] = await sopsLikeEncrypt(files[f], [recipient]);
            }
            const repo = writeRepo(files);
            fs.writeFileSync(path.join(dir, "age.agekey"), `${identity}\n`);
            const [command] = commandLines(
                shellBlocks(readDoc("README.md"), "### Check the repository against the stack"),
            );
            const local = substitute([command], [{ from: "../cluster-gitops", to: repo }])[0];
            const { stdout } = await runNpmCommand(local, dir);
            expect(stdout).to.match(/: 0 errors, \d+ warnings?\n$/);
            fs.rmSync(repo, { recursive: true, force: true });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("README's deploy key command makes a key the stack accepts as gitSshIdentity", async function () {
        if (!onPath("ssh-keygen")) this.skip();
        const keys = commandLines(shellBlocks(readDoc("README.md"), "### Keys"));
        const command = keys.find((c) => c.startsWith("ssh-keygen "));
        expect(command).to.not.equal(undefined);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-keys-"));
        try {
            execFileSync("bash", ["-c", command!], { cwd: dir, stdio: "ignore" });
            const r = await parseStackConfig({
                git: { value: { url: "ssh://git@git.example.test/org/repo.git" }, secret: false },
                ageKey: { value: await newAgeIdentity(), secret: true },
                gitSshIdentity: {
                    value: fs.readFileSync(path.join(dir, "flux-deploy-key"), "utf8"),
                    secret: true,
                },
                gitKnownHosts: { value: KNOWN_HOSTS, secret: false },
            });
            expect(r.ok ? [] : r.problems).to.deep.equal([]);
            expect(fs.existsSync(path.join(dir, "flux-deploy-key.pub"))).to.equal(true);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("README's age key commands make a key the stack accepts as ageKey", async function () {
        if (!onPath("age-keygen")) this.skip();
        const keys = commandLines(shellBlocks(readDoc("README.md"), "### Keys"));
        const command = keys.find((c) => c.startsWith("age-keygen "));
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-keys-"));
        try {
            execFileSync("bash", ["-c", command!], { cwd: dir, stdio: "ignore" });
            const recipient = execFileSync("age-keygen", ["-y", "age.agekey"], { cwd: dir })
                .toString()
                .trim();
            const raw = await publicRepoRaw();
            raw.ageKey = {
                value: fs.readFileSync(path.join(dir, "age.agekey"), "utf8"),
                secret: true,
            };
            const r = await parseStackConfig(raw);
            expect(r.ok ? r.config.sops.recipients : r.problems).to.deep.equal([recipient]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("documented config examples are accepted by the program's validation", () => {
    for (const heading of ["### Point the layers at your repository", "### Add a layer"]) {
        it(`README "${heading.replace(/^#+ /, "")}"`, async () => {
            const blocks = readmeYaml(heading);
            expect(blocks).to.have.length(1);
            const layers = blocks[0].config["flux-gitops:layers"];
            expect(layers).to.be.an("object");
            const { problems } = await parseWith(await publicRepoRaw(), { layers });
            expect(problems).to.deep.equal([]);
        });
    }
});
