import { expect } from "chai";
import { parseGit } from "../stacks/sections/git";
import { KNOWN_HOSTS, newSshIdentity } from "./helpers/keys";
import { keysOf, runSection } from "./helpers/section";

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
