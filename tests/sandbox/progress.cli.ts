import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.resolve(__dirname, "..", "..", "sandbox", "toolchain.sh");

/**
 * sandbox/toolchain.sh with stand-in build scripts: what a first `npm run sandbox` shows while
 * the toolchain builds (which part, time elapsed, what remains), and that cached parts pass
 * silently. The stand-ins take seconds instead of the real half hour.
 */
describe("sandbox toolchain progress", function () {
    this.timeout(60000);
    let dir: string;
    const write = (name: string, body: string) => {
        fs.writeFileSync(path.join(dir, "scripts", name), `#!/usr/bin/env bash\n${body}\n`);
    };
    const run = () =>
        spawnSync("bash", [SCRIPT, path.join(dir, "logs")], {
            encoding: "utf8",
            env: {
                ...process.env,
                SANDBOX_TOOLCHAIN_SCRIPTS: path.join(dir, "scripts"),
                SANDBOX_PROGRESS_EVERY: "2",
            },
        });

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-progress-"));
        fs.mkdirSync(path.join(dir, "scripts"));
        fs.mkdirSync(path.join(dir, "bin"));
        for (const bin of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-kubernetes"]) {
            fs.writeFileSync(path.join(dir, "bin", bin), "#!/bin/sh\n", { mode: 0o755 });
        }
        write("build-kubernetes.sh", "echo 'kubernetes: cached' >&2");
        write(
            "build-flux.sh",
            'for i in 1 2 3 4 5 6; do echo "compiling step $i" >&2; sleep 1; done',
        );
        write("build-sops.sh", "echo 'sops: cached' >&2");
        write("build-pulumi.sh", `echo 'pulumi: cached' >&2; echo '${path.join(dir, "bin")}'`);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("names the part being built, its elapsed time and what remains; prints the PATH", () => {
        const r = run();
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.equal(`${path.join(dir, "bin")}\n`);
        const lines = r.stderr.split("\n");
        expect(lines).to.include(
            `sandbox: building Flux controllers (source, kustomize, helm) [2/4] (first run only; log: ${path.join(dir, "logs", "build-flux.log")})`,
        );
        const ticks = lines.filter((l) => l.startsWith("sandbox:   flux: 0m0"));
        expect(ticks.length, r.stderr).to.be.at.least(1);
        expect(ticks[0]).to.match(
            /^sandbox: {3}flux: 0m0\ds elapsed \(all parts 0m0\ds\); still to check: sops pulumi; last: compiling step \d$/,
        );
        const built = lines.filter((l) => /^sandbox: {3}flux built in 0m0[5-9]s$/.test(l));
        expect(built, r.stderr).to.have.length(1);
        // Cached parts are not announced as builds.
        expect(r.stderr).to.not.match(/building (Kubernetes|sops|Pulumi)/);
        expect(lines.at(-2)).to.match(/^sandbox: toolchain ready in 0m0\ds$/);
    });

    it("stops at a failed part with its log, and says which", () => {
        write("build-flux.sh", "true");
        write("build-sops.sh", "echo 'go: module not found' >&2; exit 3");
        const r = run();
        expect(r.status).to.equal(1);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.match(
            /sandbox: building sops FAILED after 0m0\ds; last lines of .*build-sops\.log/,
        );
        expect(r.stderr).to.include("go: module not found");
        expect(r.stderr).to.not.include("toolchain ready");
    });

    it("refuses a toolchain without the Node.js language host", () => {
        write("build-flux.sh", "true");
        fs.rmSync(path.join(dir, "bin", "pulumi-language-nodejs"));
        const r = run();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("error: pulumi-language-nodejs is not in the toolchain");
    });
});
