import { expect } from "chai";
import { parseGit } from "../../../stacks/sections/git";
import { KNOWN_HOSTS, githubAppPrivateKey, newSshIdentity } from "../../helpers/keys";
import { keysOf, runSection } from "../../helpers/section";

const SSH_URL = "ssh://git@git.example.test/org/repo.git";

describe("section git", () => {
    it("follows main every minute through the flux-system GitRepository and Secret", async () => {
        const { result, problems } = await runSection(parseGit, {
            git: { url: "https://git.example.test/org/public.git" },
        });
        expect(problems).to.deep.equal([]);
        expect(result).to.deep.equal({
            repositoryName: "flux-system",
            url: "https://git.example.test/org/public.git",
            ref: { branch: "main" },
            interval: "1m0s",
            secretName: "flux-system",
            auth: "none",
            credentials: {},
        });
    });

    it("authenticates an ssh:// URL with the identity and known_hosts", async () => {
        const identity = newSshIdentity();
        const { result, problems } = await runSection(
            parseGit,
            { git: { url: SSH_URL }, gitSshIdentity: identity, gitKnownHosts: KNOWN_HOSTS },
            ["gitSshIdentity"],
        );
        expect(problems).to.deep.equal([]);
        expect(result?.auth).to.equal("ssh");
        expect(result?.credentials).to.deep.equal({
            gitSshIdentity: identity,
            gitKnownHosts: KNOWN_HOSTS,
        });
    });

    it("requires what the auth needs and refuses what it does not", async () => {
        const { result, problems } = await runSection(
            parseGit,
            { git: { url: SSH_URL }, gitBearerToken: "t0ken" },
            ["gitBearerToken"],
        );
        expect(result).to.equal(undefined);
        expect(keysOf(problems)).to.deep.equal([
            "flux-gitops:gitBearerToken",
            "flux-gitops:gitKnownHosts",
            "flux-gitops:gitSshIdentity",
        ]);
        expect(problems.map((p) => p.value)).to.deep.equal(["[secret]", "(not set)", "(not set)"]);
    });

    it("reports a bad URL alone, without judging credentials that depend on its scheme", async () => {
        const { problems } = await runSection(parseGit, {
            git: { url: "ftp://git.example.test/repo.git" },
        });
        expect(keysOf(problems)).to.deep.equal(["flux-gitops:git.url"]);
    });

    it("refuses an auth kind that the URL's scheme cannot carry", async () => {
        const { problems } = await runSection(parseGit, {
            git: { url: "http://git.example.test/r.git", auth: "bearer" },
            gitBearerToken: "t0ken",
        });
        expect(keysOf(problems)).to.deep.equal(["flux-gitops:git.auth"]);
        expect(problems[0].expected).to.contain("only sent over https://");
    });
});

describe("section git: GitHub App and CA bundle", () => {
    const HTTPS_URL = "https://github.com/acme-platform/cluster-gitops.git";
    const appKey = () => githubAppPrivateKey();
    const CA = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTEST\n-----END CERTIFICATE-----\n";

    it("authenticates as a GitHub App with provider github", async () => {
        const key = appKey();
        const { result, problems } = await runSection(
            parseGit,
            {
                git: { url: HTTPS_URL, provider: "github" },
                gitGithubAppId: "123456",
                gitGithubAppInstallationId: "7890123",
                gitGithubAppPrivateKey: key,
            },
            ["gitGithubAppPrivateKey"],
        );
        expect(problems).to.deep.equal([]);
        expect(result?.auth).to.equal("github");
        expect(result?.credentials).to.deep.equal({
            gitGithubAppId: "123456",
            gitGithubAppInstallationId: "7890123",
            gitGithubAppPrivateKey: key,
        });
    });

    it("requires the App's three values, the key as a secret, and an https:// URL", async () => {
        const missing = await runSection(parseGit, {
            git: { url: HTTPS_URL, provider: "github" },
            gitGithubAppId: "12a",
        });
        expect(keysOf(missing.problems)).to.deep.equal([
            "flux-gitops:gitGithubAppId",
            "flux-gitops:gitGithubAppInstallationId",
            "flux-gitops:gitGithubAppPrivateKey",
        ]);
        expect(missing.problems[0].expected).to.equal("the GitHub App's numeric ID");
        const plainKey = await runSection(parseGit, {
            git: { url: HTTPS_URL, provider: "github" },
            gitGithubAppId: "1",
            gitGithubAppInstallationId: "2",
            gitGithubAppPrivateKey: appKey(),
        });
        expect(plainKey.problems.map((p) => [p.key, p.value])).to.deep.equal([
            ["flux-gitops:gitGithubAppPrivateKey", "[stored in plain text, not shown]"],
        ]);
        const ssh = await runSection(parseGit, { git: { url: SSH_URL, provider: "github" } });
        expect(keysOf(ssh.problems)).to.deep.equal(["flux-gitops:git.auth"]);
        const both = await runSection(parseGit, {
            git: { url: HTTPS_URL, provider: "github", auth: "bearer" },
        });
        expect(both.problems[0].expected).to.contain(
            "unset when `flux-gitops:git.provider` is github",
        );
    });

    it("takes a CA bundle for an https:// server, with or without credentials", async () => {
        const { result, problems } = await runSection(parseGit, {
            git: { url: "https://git.corp.example/org/repo.git" },
            gitCaBundle: CA,
        });
        expect(problems).to.deep.equal([]);
        expect(result?.auth).to.equal("none");
        expect(result?.caBundle).to.equal(CA);
    });

    it("refuses a CA bundle that is not PEM certificates, or on an ssh:// URL", async () => {
        const notPem = await runSection(parseGit, {
            git: { url: "https://git.corp.example/org/repo.git" },
            gitCaBundle: "not a certificate",
        });
        expect(notPem.problems).to.deep.equal([
            {
                key: "flux-gitops:gitCaBundle",
                value: "[certificates not shown]",
                expected: "PEM CA certificates (-----BEGIN CERTIFICATE-----) for an https:// URL",
            },
        ]);
        const ssh = await runSection(
            parseGit,
            {
                git: { url: SSH_URL },
                gitSshIdentity: newSshIdentity(),
                gitKnownHosts: KNOWN_HOSTS,
                gitCaBundle: CA,
            },
            ["gitSshIdentity"],
        );
        expect(keysOf(ssh.problems)).to.deep.equal(["flux-gitops:gitCaBundle"]);
        expect(ssh.problems[0].expected).to.match(/^unset for a ssh:\/\/ URL/);
    });
});
