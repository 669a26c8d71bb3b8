import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseAllDocuments } from "yaml";
import { renderStack } from "../../cli/render";
import { redactSecrets, RenderedFile, renderStream } from "../../cli/render-objects";
import { loadOfflineStack, StackConfigError } from "../../cli/stack-config";
import { PROJECT_DIR } from "../helpers/stack-file";

const byName = (files: RenderedFile[]) => Object.fromEntries(files.map((f) => [f.name, f.content]));

function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
}

describe("render: the objects of a stack, offline", function () {
    this.timeout(60000);
    let prod: RenderedFile[];
    let dev: RenderedFile[];

    before(async () => {
        prod = await renderStack("prod");
        dev = await renderStack("dev");
    });

    it("writes one file per object, named like the seed's flux-system folder, plus kustomization.yaml", () => {
        expect(prod.map((f) => f.name)).to.deep.equal([
            "gotk-components.yaml",
            "gotk-sync.yaml",
            "flux-system-secret.yaml",
            "sops-age-secret.yaml",
            "infrastructure-kustomization.yaml",
            "databases-kustomization.yaml",
            "apps-kustomization.yaml",
            "kustomization.yaml",
        ]);
        const index = parse(byName(prod)["kustomization.yaml"]);
        expect(index).to.deep.equal({
            apiVersion: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources: [
                "gotk-sync.yaml",
                "flux-system-secret.yaml",
                "sops-age-secret.yaml",
                "infrastructure-kustomization.yaml",
                "databases-kustomization.yaml",
                "apps-kustomization.yaml",
            ],
        });
    });

    it("describes the Flux install by source, version and options instead of inlining it", () => {
        expect(parse(byName(prod)["gotk-components.yaml"])).to.deep.equal({
            version: "v2.9.5",
            namespace: "flux-system",
            manifest: "https://github.com/fluxcd/flux2/releases/download/v2.9.5/install.yaml",
            keepOnDestroy: true,
        });
        expect(parse(byName(dev)["gotk-components.yaml"]).keepOnDestroy).to.equal(false);
    });

    it("renders the seed's layers as the seed describes them", () => {
        const infra = parse(byName(prod)["infrastructure-kustomization.yaml"]);
        expect(infra.apiVersion).to.equal("kustomize.toolkit.fluxcd.io/v1");
        expect(infra.metadata.name).to.equal("infrastructure");
        expect(infra.metadata.namespace).to.equal("flux-system");
        expect(infra.spec).to.deep.equal({
            interval: "10m0s",
            path: "./gitops/infrastructure",
            prune: true,
            sourceRef: { kind: "GitRepository", name: "flux-system" },
            decryption: { provider: "sops", secretRef: { name: "sops-age" } },
            healthChecks: [
                {
                    apiVersion: "helm.toolkit.fluxcd.io/v2",
                    kind: "HelmRelease",
                    name: "cert-manager",
                    namespace: "cert-manager",
                },
            ],
        });
        expect(parse(byName(prod)["apps-kustomization.yaml"]).spec.dependsOn).to.deep.equal([
            { name: "databases" },
        ]);
    });

    it("redacts every secret value and keeps the keys", () => {
        expect(parse(byName(prod)["sops-age-secret.yaml"]).data).to.deep.equal({
            "age.agekey": "<redacted>",
        });
        expect(parse(byName(prod)["flux-system-secret.yaml"]).data).to.deep.equal({
            identity: "<redacted>",
            known_hosts: "<redacted>",
        });
        const all = prod.map((f) => f.content).join("\n");
        expect(all).not.to.match(/AGE-SECRET-KEY|PRIVATE KEY|QUdFLVNFQ1JFVC1LRVkt/);
    });

    it("redacts secret-marked values wherever they sit, nested ones included", () => {
        const secret = (value: unknown) => ({
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            value,
        });
        expect(
            redactSecrets({
                spec: { postBuild: { substitute: { plain: "a", hidden: secret("b") } } },
                data: secret({ token: "t", list: ["x", 1] }),
            }),
        ).to.deep.equal({
            spec: { postBuild: { substitute: { plain: "a", hidden: "<redacted>" } } },
            data: { token: "<redacted>", list: ["<redacted>", "<redacted>"] },
        });
    });

    it("is deterministic: a second render is byte for byte the same", async () => {
        expect(await renderStack("prod")).to.deep.equal(prod);
    });

    it("shows exactly the per-environment differences between dev and prod", () => {
        const p = byName(prod);
        const d = byName(dev);
        expect(Object.keys(d)).to.deep.equal(Object.keys(p));
        const differing = Object.keys(p).filter((f) => p[f] !== d[f]);
        expect(differing).to.deep.equal([
            "gotk-components.yaml",
            "gotk-sync.yaml",
            "infrastructure-kustomization.yaml",
            "databases-kustomization.yaml",
            "apps-kustomization.yaml",
        ]);
        expect(parse(d["gotk-sync.yaml"]).spec.ref).to.deep.equal({ branch: "dev" });
        expect(parse(d["databases-kustomization.yaml"]).spec.deletionPolicy).to.equal(
            "WaitForTermination",
        );
    });

    it("streams the same documents, each headed by its file name", () => {
        const stream = renderStream(prod);
        const docs = parseAllDocuments(stream);
        expect(docs).to.have.length(7);
        expect(stream.split("\n").filter((l) => l.startsWith("# Source: "))).to.deep.equal(
            prod.filter((f) => f.name !== "kustomization.yaml").map((f) => `# Source: ${f.name}`),
        );
    });
});

describe("render: offline stack config", () => {
    it("stands in for encrypted and unset secrets, only those the stack needs", async () => {
        const dir = tmpDir();
        fs.writeFileSync(
            path.join(dir, "Pulumi.ci.yaml"),
            `config:
  flux-gitops:git:
    url: https://git.example.test/org/gitops.git
    auth: basic
  flux-gitops:gitUsername: flux-bot
  flux-gitops:gitPassword:
    secure: v1:c2VjcmV0LWNpcGhlcnRleHQ=
  kubernetes:context: ci
`,
        );
        const stack = await loadOfflineStack("ci", dir);
        expect(stack.placeholders).to.deep.equal(["ageKey", "gitPassword"]);
        expect(stack.config["flux-gitops:gitUsername"]).to.equal("flux-bot");
        expect(JSON.stringify(stack.config)).not.to.contain("v1:c2VjcmV0");
        expect(stack.parsed.source.kind === "git" && stack.parsed.source.git.auth).to.equal(
            "basic",
        );
        fs.rmSync(dir, { recursive: true });
    });

    it("renders an OCI source and an image pull Secret from encrypted secrets, content redacted", async () => {
        const dir = tmpDir();
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.oci.yaml"),
            `config:
  flux-gitops:flux:
    imagePullSecret: flux-registry
  flux-gitops:fluxRegistryCredentials:
    secure: v1:c2VjcmV0LWNpcGhlcnRleHQ=
  flux-gitops:oci:
    url: oci://ghcr.io/acme-platform/cluster-gitops
  flux-gitops:ociUsername: robot
  flux-gitops:ociPassword:
    secure: v1:c2VjcmV0LWNpcGhlcnRleHQ=
`,
        );
        const files = byName(await renderStack("oci", dir));
        fs.rmSync(dir, { recursive: true });
        const source = parse(files["gotk-sync.yaml"]);
        expect([source.kind, source.spec.url]).to.deep.equal([
            "OCIRepository",
            "oci://ghcr.io/acme-platform/cluster-gitops",
        ]);
        expect(parse(files["apps-kustomization.yaml"]).spec.sourceRef.kind).to.equal(
            "OCIRepository",
        );
        const install = parse(files["gotk-components.yaml"]);
        expect(install.imagePullSecret).to.equal("flux-registry");
        expect(install.pullSecret).to.deep.equal({
            name: "flux-registry",
            dockerConfigJson: "<redacted>",
        });
        expect(parse(files["flux-system-secret.yaml"]).data).to.deep.equal({
            ".dockerconfigjson": "<redacted>",
        });
    });

    it("renders Providers, Alerts and the Receiver, their tokens and webhook URL redacted", async () => {
        const dir = tmpDir();
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.day2.yaml"),
            `config:
  flux-gitops:git:
    url: https://git.example.test/org/gitops.git
  flux-gitops:notifications:
    providers:
      slack: {type: slack, channel: platform-alerts}
      github-status: {type: github, address: https://github.com/acme-platform/cluster-gitops}
  flux-gitops:notificationsSlackAddress:
    secure: v1:c2VjcmV0LWNpcGhlcnRleHQ=
  flux-gitops:notificationsGithubStatusToken:
    secure: v1:c2VjcmV0LWNpcGhlcnRleHQ=
  flux-gitops:receiver:
    type: github
  flux-gitops:receiverToken:
    secure: v1:c2VjcmV0LWNpcGhlcnRleHQ=
`,
        );
        const rendered = await renderStack("day2", dir);
        fs.rmSync(dir, { recursive: true });
        const files = byName(rendered);
        expect(rendered.map((f) => f.name)).to.include.members([
            "slack-provider.yaml",
            "slack-provider-secret.yaml",
            "slack-alert.yaml",
            "github-status-provider.yaml",
            "github-status-provider-secret.yaml",
            "github-status-alert.yaml",
            "flux-system-receiver.yaml",
            "webhook-token-secret.yaml",
        ]);
        expect(parse(files["slack-provider.yaml"])).to.deep.equal({
            apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
            kind: "Provider",
            metadata: { name: "slack", namespace: "flux-system" },
            spec: {
                type: "slack",
                channel: "platform-alerts",
                secretRef: { name: "slack-provider" },
            },
        });
        expect(parse(files["slack-provider-secret.yaml"]).data).to.deep.equal({
            address: "<redacted>",
        });
        expect(parse(files["github-status-provider-secret.yaml"]).data).to.deep.equal({
            token: "<redacted>",
        });
        expect(parse(files["webhook-token-secret.yaml"]).data).to.deep.equal({
            token: "<redacted>",
        });
        expect(parse(files["flux-system-receiver.yaml"]).spec.resources).to.deep.equal([
            { kind: "GitRepository", name: "flux-system" },
        ]);
        // The placeholders stood in for the secrets never show, not even as base64.
        const all = rendered.map((f) => f.content).join("\n");
        expect(all).to.not.contain("placeholder.invalid");
        expect(all).to.not.contain(Buffer.from("<redacted>").toString("base64"));
    });

    it("names the stacks there are when the stack file is missing", async () => {
        const err = await loadOfflineStack("staging").catch((e: unknown) => e);
        expect(err).to.be.instanceOf(StackConfigError);
        expect((err as Error).message).to.equal(
            '--stack is "staging": there is no Pulumi.staging.yaml; the stacks here are dev, prod',
        );
    });

    it("reports the program's own config errors with key, value and expectation", async () => {
        const dir = tmpDir();
        fs.writeFileSync(
            path.join(dir, "Pulumi.bad.yaml"),
            "config:\n  flux-gitops:git:\n    url: git@github.com:org/repo.git\n",
        );
        const err = await loadOfflineStack("bad", dir).catch((e: unknown) => e);
        expect((err as Error).message).to.contain(
            '`flux-gitops:git.url` is "git@github.com:org/repo.git": expected',
        );
        fs.rmSync(dir, { recursive: true });
    });
});
