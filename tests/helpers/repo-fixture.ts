import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Finding } from "../../cli/preflight/findings";
import { runPreflight } from "../../cli/preflight/run";
import { stackDeclared } from "../../cli/preflight/stack-owned";
import { OfflineStack } from "../../cli/stack-config";

/** Files of a repository: path → content. */
export type RepoFiles = Record<string, string>;

/** Writes a repository into a fresh temporary folder; returns its path. */
export function writeRepo(files: RepoFiles): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-repo-"));
    for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
    }
    return dir;
}

/** A copy of a folder's files as a map, to build variants of a fixture tree. */
export function readTree(root: string): RepoFiles {
    const files: RepoFiles = {};
    const walk = (rel: string) => {
        for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
            const child = rel === "" ? e.name : `${rel}/${e.name}`;
            if (e.isDirectory()) walk(child);
            else files[child] = fs.readFileSync(path.join(root, child), "utf8");
        }
    };
    walk("");
    return files;
}

/** A HelmRelease manifest, with optional extra spec lines (indented two spaces). */
export function helmRelease(namespace: string, name: string, extraSpec = ""): string {
    return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/tiny
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
${extraSpec}`;
}

/** A Secret with one stringData value, in clear. */
export function plainSecret(namespace: string, name: string): string {
    return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${namespace}
type: Opaque
stringData:
  password: not-a-real-password
`;
}

export function kustomization(...resources: string[]): string {
    return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
${resources.map((r) => `  - ${r}\n`).join("")}`;
}

export function sopsConfig(pathRegex: string, ...recipients: string[]): string {
    return `creation_rules:
  - path_regex: ${pathRegex}
    encrypted_regex: ^(data|stringData)$
    age: ${recipients.join(",")}
`;
}

/** Preflight of a stack of this project (loaded offline) against a repository folder. */
export function preflightRepo(
    stack: OfflineStack,
    repoDir: string,
    recipients: string[] | undefined,
): Finding[] {
    return runPreflight({
        repoDir,
        layers: stack.parsed.layers,
        recipients,
        source: { kind: "GitRepository", name: "flux-system", namespace: "flux-system" },
        declared: stackDeclared(stack.parsed),
        stackFile: stack.file,
    });
}
