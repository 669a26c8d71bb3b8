import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { renderStack } from "../../cli/render";
import { PROJECT_DIR } from "../helpers/stack-file";

const run = promisify(execFile);

/** Runs a command of cli/ as `npm run` does, without npm's own start-up time. */
function cli(script: string, args: string[]) {
    return run(process.execPath, ["cli/run.js", script, ...args], {
        cwd: PROJECT_DIR,
        env: { ...process.env, INIT_CWD: PROJECT_DIR },
    });
}

function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
}

describe("render, preflight and takeover as commands", function () {
    this.timeout(120000);

    it("render --out writes the folder, and re-renders into it", async () => {
        const out = path.join(tmpDir(), "prod");
        await cli("render", ["--stack", "prod", "--out", out]);
        await cli("render", ["--stack", "prod", "--out", out]);
        expect(fs.readdirSync(out).sort()).to.deep.equal(
            (await renderStack("prod")).map((f) => f.name).sort(),
        );
        fs.rmSync(path.dirname(out), { recursive: true });
    });

    it("render refuses a folder that holds something else, exit code 2", async () => {
        const out = tmpDir();
        fs.writeFileSync(path.join(out, "notes.txt"), "mine\n");
        const err = await cli("render", ["--stack", "prod", "--out", out]).catch((e) => e);
        expect(err.code).to.equal(2);
        expect(err.stderr).to.contain("is not empty and holds no earlier render");
        expect(fs.readdirSync(out)).to.deep.equal(["notes.txt"]);
        fs.rmSync(out, { recursive: true });
    });

    it("preflight exits 1 on errors and prints each with file, line and key", async () => {
        const repo = path.join(PROJECT_DIR, "tests/integration/fixtures/gitops");
        const err = await cli("preflight", ["--stack", "prod", "--repo", repo]).catch((e) => e);
        expect(err.code).to.equal(1);
        expect(err.stdout).to.contain(
            "error: gitops/infrastructure/secret.yaml:3: Secret cert-manager/cloudflare-api-token holds stringData in clear text",
        );
        expect(err.stdout).to.match(/: 4 errors, 1 warning\n$/);
    });

    it("preflight rejects a malformed --age-recipient with exit code 2", async () => {
        const err = await cli("preflight", [
            "--stack",
            "prod",
            "--repo",
            ".",
            "--age-recipient",
            "AGE-SECRET-KEY-1XYZ",
        ]).catch((e) => e);
        expect(err.code).to.equal(2);
        expect(err.stderr).to.contain("expected an age X25519 recipient");
        expect(err.stderr).not.to.contain("AGE-SECRET-KEY-1XYZ");
    });

    it("takeover refuses an unknown flag with exit code 2 and its usage, before reading any stack", async () => {
        const err = await cli("takeover", ["--stack", "prod", "--bogus"]).catch((e) => e);
        expect(err.code).to.equal(2);
        expect(err.stderr).to.equal(
            "error: Unknown option '--bogus'\n" +
                "usage: npm run takeover -- --stack <name> [--yes] [--resume] [--leave-unreconciled] [--cwd <dir>] [--context <ctx>] [--timeout-seconds <n>]\n",
        );
        expect(err.stdout).to.equal("");
    });
});
