import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { readStackFile } from "../../helpers/stack-file";

const P = "flux-gitops";
const INTEGRATION_DIR = path.resolve(__dirname, "..");

/** A variable the suite's run.sh exports (cluster, Flux, Git server settings). */
export function env(name: string): string {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set: run this suite through its run.sh`);
    return v;
}

/**
 * Copies the fixture GitOps tree into `repo`, encrypts its Secrets for `recipient`, pushes it
 * to the loopback Git server on each of `branches` and returns the repository's SSH URL.
 */
export function publishFixtureRepo(recipient: string, repo: string, branches = ["main"]): string {
    execFileSync("bash", [path.join(INTEGRATION_DIR, "fixtures", "make-repo.sh"), recipient, repo]);
    return publish(repo, branches);
}

/** Pushes the repository's HEAD to `branches` of the served `gitops` repository; returns its URL. */
export function publish(repo: string, branches = ["main"]): string {
    let url = "";
    for (const branch of branches) {
        const out = execFileSync(
            "bash",
            [path.join(INTEGRATION_DIR, "git", "publish.sh"), repo, "gitops", branch],
            {
                encoding: "utf8",
            },
        );
        url = out.trim().split("\n").pop()!;
    }
    return url;
}

/**
 * Writes the install manifest the stacks point at: Flux's namespace and CRDs (the controllers
 * themselves run as local processes, so there are no Deployments).
 */
export function writeInstallManifest(file: string): string {
    const crdDir = env("FLUX_CRD_DIR");
    const namespace = stringify({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "flux-system" },
    });
    const crds = fs.readdirSync(crdDir).map((f) => fs.readFileSync(path.join(crdDir, f), "utf8"));
    fs.writeFileSync(file, [namespace, ...crds].join("\n---\n"));
    return file;
}

/**
 * A stack file's config as on disk, pointed at the loopback repository and manifest, with the
 * test's age key and the Git server's SSH credentials set as a user would set them.
 */
export function loopbackStackConfig(
    stack: string,
    where: { url: string; manifest: string; ageKey: string },
): Record<string, unknown> {
    const c = readStackFile(stack);
    return {
        ...c,
        [`${P}:flux`]: { ...(c[`${P}:flux`] as object), manifest: where.manifest },
        [`${P}:git`]: { ...(c[`${P}:git`] as object), url: where.url },
        [`${P}:ageKey`]: where.ageKey,
        [`${P}:gitSshIdentity`]: fs.readFileSync(env("GIT_SSH_IDENTITY"), "utf8"),
        [`${P}:gitKnownHosts`]: fs.readFileSync(env("GIT_SSH_KNOWN_HOSTS"), "utf8"),
    };
}

/** The same config with every seed layer's settings extended by `extra`, and Git polled every `gitInterval`. */
export function withFastRetries(
    config: Record<string, unknown>,
    extra: Record<string, string>,
    gitInterval = "10s",
): Record<string, unknown> {
    const layers = JSON.parse(JSON.stringify(config[`${P}:layers`] ?? {}));
    for (const l of ["infrastructure", "databases", "apps"]) layers[l] = { ...layers[l], ...extra };
    return {
        ...config,
        [`${P}:git`]: { ...(config[`${P}:git`] as object), interval: gitInterval },
        [`${P}:layers`]: layers,
    };
}
