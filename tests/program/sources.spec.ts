import { expect } from "chai";
import { stackWithSecrets, P, withValue } from "../helpers/fixtures";
import { githubAppPrivateKey } from "../helpers/keys";
import { isSecretMarked, ProgramRun, runProgram } from "../helpers/mocks";

const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const GIT_REPOSITORY = "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository";
const OCI_REPOSITORY = "kubernetes:source.toolkit.fluxcd.io/v1:OCIRepository";
const SECRET = "kubernetes:core/v1:Secret";

const ofType = (run: ProgramRun, type: string) => run.resources.filter((r) => r.type === type);
const decoded = (data: Record<string, string>) =>
    Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
    );

describe("the program's sources", () => {
    let base: { config: Record<string, unknown>; secretKeys: string[] };
    const noSsh = (config: Record<string, unknown>) =>
        withValue(
            withValue(config, "gitSshIdentity", [], undefined),
            "gitKnownHosts",
            [],
            undefined,
        );
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    it("authenticates as a GitHub App: provider github and the App's keys in the Secret", async () => {
        const key = githubAppPrivateKey();
        let config = withValue(
            noSsh(base.config),
            "git",
            ["url"],
            "https://github.com/acme/gitops.git",
        );
        config = withValue(config, "git", ["provider"], "github");
        config = withValue(config, "gitGithubAppId", [], "123");
        config = withValue(config, "gitGithubAppInstallationId", [], "456");
        config = withValue(config, "gitGithubAppPrivateKey", [], key);
        const run = await runProgram(config, [`${P}:ageKey`, `${P}:gitGithubAppPrivateKey`]);
        const [repo] = ofType(run, GIT_REPOSITORY);
        expect(repo.inputs.spec).to.deep.equal({
            interval: "1m0s",
            url: "https://github.com/acme/gitops.git",
            ref: { branch: "main" },
            provider: "github",
            secretRef: { name: "flux-system" },
        });
        const secret = ofType(run, SECRET).find((s) => s.inputs.metadata.name === "flux-system")!;
        expect(decoded(secret.inputs.data)).to.deep.equal({
            githubAppID: "123",
            githubAppInstallationID: "456",
            githubAppPrivateKey: key,
        });
        expect(isSecretMarked(secret.serialized.data)).to.equal(true);
    });

    it("verifies an https:// server with the CA bundle, also for a public repository", async () => {
        const ca = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
        let config = withValue(
            noSsh(base.config),
            "git",
            ["url"],
            "https://git.corp.example/gitops.git",
        );
        config = withValue(config, "gitCaBundle", [], ca);
        const run = await runProgram(config, [`${P}:ageKey`]);
        expect(ofType(run, GIT_REPOSITORY)[0].inputs.spec.secretRef).to.deep.equal({
            name: "flux-system",
        });
        const secret = ofType(run, SECRET).find((s) => s.inputs.metadata.name === "flux-system")!;
        expect(decoded(secret.inputs.data)).to.deep.equal({ "ca.crt": ca });
    });

    it("builds the layers from an OCIRepository when oci replaces git", async () => {
        let config = withValue(noSsh(base.config), "git", [], undefined);
        config = withValue(config, "oci", [], {
            url: "oci://registry.corp.example/platform/gitops",
            ref: { semver: "1.x" },
        });
        config = withValue(config, "ociUsername", [], "flux");
        config = withValue(config, "ociPassword", [], "r3gistry-pw");
        const run = await runProgram(config, [`${P}:ageKey`, `${P}:ociPassword`]);
        expect(ofType(run, GIT_REPOSITORY)).to.deep.equal([]);
        const [repo] = ofType(run, OCI_REPOSITORY);
        expect(repo.inputs.metadata.name).to.equal("flux-system");
        expect(repo.inputs.spec).to.deep.equal({
            interval: "1m0s",
            url: "oci://registry.corp.example/platform/gitops",
            ref: { semver: "1.x" },
            secretRef: { name: "flux-system" },
        });
        const pull = ofType(run, SECRET).find((s) => s.inputs.metadata.name === "flux-system")!;
        expect(pull.inputs.type).to.equal("kubernetes.io/dockerconfigjson");
        expect(JSON.parse(decoded(pull.inputs.data)[".dockerconfigjson"]).auths).to.have.keys([
            "registry.corp.example",
        ]);
        expect(isSecretMarked(pull.serialized.data)).to.equal(true);
        // The first pull needs the Secret.
        expect(repo.dependencies).to.include(pull.urn);
        for (const k of ofType(run, KUSTOMIZATION)) {
            expect(k.inputs.spec.sourceRef).to.deep.equal({
                kind: "OCIRepository",
                name: "flux-system",
            });
        }
        expect(run.outputs).to.have.property("ociRepository", "flux-system");
        expect(run.outputs).to.not.have.property("gitRepository");
    });

    it("sets a cloud provider and no Secret for workload identity", async () => {
        let config = withValue(noSsh(base.config), "git", [], undefined);
        config = withValue(config, "oci", [], {
            url: "oci://123.dkr.ecr.eu-west-1.amazonaws.com/gitops",
            provider: "aws",
        });
        const run = await runProgram(config, [`${P}:ageKey`]);
        expect(ofType(run, OCI_REPOSITORY)[0].inputs.spec).to.deep.equal({
            interval: "1m0s",
            url: "oci://123.dkr.ecr.eu-west-1.amazonaws.com/gitops",
            ref: { tag: "latest" },
            provider: "aws",
        });
        expect(ofType(run, SECRET).map((s) => s.inputs.metadata.name)).to.deep.equal(["sops-age"]);
    });
});
