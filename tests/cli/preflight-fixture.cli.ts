import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadOfflineStack } from "../../cli/stack-config";
import { newAgeRecipient } from "../helpers/keys";
import { preflightRepo, readTree, RepoFiles, writeRepo } from "../helpers/repo-fixture";
import { sopsLikeEncrypt } from "../helpers/sops-like";
import { PROJECT_DIR } from "../helpers/stack-file";

const FIXTURES = path.join(PROJECT_DIR, "tests", "integration", "fixtures");

/** The sops the integration suite encrypts with, when the toolchain has built it. */
function cachedSops(): string | undefined {
    const versions = fs.readFileSync(
        path.join(PROJECT_DIR, "tests/toolchain/versions.env"),
        "utf8",
    );
    const version = /^SOPS_VERSION=(\S+)/m.exec(versions)?.[1];
    const cache =
        process.env.TOOLCHAIN_CACHE ?? path.join(os.homedir(), ".cache/flux-gitops-toolchain");
    const bin = process.env.SOPS ?? path.join(cache, `sops-${version}`, "bin", "sops");
    return fs.existsSync(bin) ? bin : undefined;
}

/**
 * The integration suite's GitOps tree is the reference of a repository that
 * works with the program: preflight must pass it clean for both stacks. Its
 * Secrets are plain in the project and encrypted at test time (make-repo.sh).
 */
describe("preflight: the integration suite's fixture GitOps tree", function () {
    this.timeout(60000);
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    const check = async (dir: string, stackName: string, recipients: string[]) =>
        preflightRepo(await loadOfflineStack(stackName), dir, recipients);

    /** The tree as make-repo.sh lays it out, Secrets given SOPS metadata for `recipient`. */
    const sopsLikeTree = async (recipient: string): Promise<RepoFiles> => {
        const files = readTree(path.join(FIXTURES, "gitops"));
        // The same creation rule make-repo.sh writes.
        files[".sops.yaml"] =
            `creation_rules:\n  - path_regex: ^gitops/.*secret\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${recipient}\n`;
        for (const f of Object.keys(files).filter((f) => f.endsWith("/secret.yaml"))) {
            files[f] = await sopsLikeEncrypt(files[f], [recipient]);
        }
        return files;
    };

    for (const stackName of ["prod", "dev"]) {
        it(`passes clean for the ${stackName} stack`, async () => {
            const recipient = await newAgeRecipient();
            const dir = writeRepo(await sopsLikeTree(recipient));
            dirs.push(dir);
            expect(await check(dir, stackName, [recipient])).to.deep.equal([]);
        });
    }

    it("as committed (Secrets not yet encrypted, no .sops.yaml) it is rejected", async () => {
        const recipient = await newAgeRecipient();
        const findings = await check(path.join(FIXTURES, "gitops"), "prod", [recipient]);
        expect(findings.map((f) => `${f.rule} ${f.file}`)).to.deep.equal([
            "sops-config .sops.yaml",
            "plain-secret gitops/apps/applications/secret.yaml",
            "plain-secret gitops/apps/databases/secret.yaml",
            "plain-secret gitops/infrastructure/secret.yaml",
        ]);
    });

    it("encrypted by the real sops (make-repo.sh): clean for its key, rejected for another", async function () {
        const sops = cachedSops();
        if (sops === undefined) this.skip();
        const recipient = await newAgeRecipient();
        const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "preflight-sops-")), "repo");
        dirs.push(path.dirname(dir));
        execFileSync("bash", [path.join(FIXTURES, "make-repo.sh"), recipient, dir], {
            env: { ...process.env, SOPS: sops },
            stdio: "ignore",
        });
        expect(await check(dir, "prod", [recipient])).to.deep.equal([]);
        const other = await newAgeRecipient();
        const findings = await check(dir, "prod", [other]);
        expect(findings.map((f) => `${f.severity} ${f.rule} ${f.file}`)).to.deep.equal([
            "error sops-config .sops.yaml",
            "error sops-recipient gitops/apps/applications/secret.yaml",
            "error sops-recipient gitops/apps/databases/secret.yaml",
            "error sops-recipient gitops/infrastructure/secret.yaml",
        ]);
    });
});
