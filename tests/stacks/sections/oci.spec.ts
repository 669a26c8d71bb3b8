import { expect } from "chai";
import { parseStackConfig } from "../../../stacks";
import { parseOci } from "../../../stacks/sections/oci";
import { keysOf, runSection } from "../../helpers/section";

const URL_ = "oci://ghcr.io/acme-platform/cluster-gitops";

describe("section oci", () => {
    it("follows the latest tag every minute through the flux-system OCIRepository", async () => {
        const { result, problems } = await runSection(parseOci, { oci: { url: URL_ } });
        expect(problems).to.deep.equal([]);
        expect(result).to.deep.equal({
            repositoryName: "flux-system",
            url: URL_,
            ref: { tag: "latest" },
            interval: "1m0s",
            provider: "generic",
            secretName: "flux-system",
        });
    });

    it("builds the pull Secret's docker config for the registry host from username and password", async () => {
        const { result, problems } = await runSection(
            parseOci,
            {
                oci: { url: URL_, ref: { semver: ">=1.0.0" } },
                ociUsername: "flux",
                ociPassword: "ghp_x",
            },
            ["ociPassword"],
        );
        expect(problems).to.deep.equal([]);
        expect(JSON.parse(result!.dockerConfigJson!)).to.deep.equal({
            auths: {
                "ghcr.io": {
                    username: "flux",
                    password: "ghp_x",
                    auth: Buffer.from("flux:ghp_x").toString("base64"),
                },
            },
        });
    });

    const bad: [string, Record<string, unknown>, string[], string[]][] = [
        ["an https URL", { oci: { url: "https://ghcr.io/org/repo" } }, [], ["flux-gitops:oci.url"]],
        [
            "two refs",
            { oci: { url: URL_, ref: { tag: "a", semver: "1.x" } } },
            [],
            ["flux-gitops:oci.ref"],
        ],
        [
            "a short digest",
            { oci: { url: URL_, ref: { digest: "sha256:abc" } } },
            [],
            ["flux-gitops:oci.ref.digest"],
        ],
        [
            "an unknown provider",
            { oci: { url: URL_, provider: "ibm" } },
            [],
            ["flux-gitops:oci.provider"],
        ],
        [
            "a password without username",
            { oci: { url: URL_ }, ociPassword: "x" },
            ["ociPassword"],
            ["flux-gitops:ociUsername"],
        ],
        [
            "credentials with a cloud provider",
            { oci: { url: URL_, provider: "aws" }, ociUsername: "u", ociPassword: "p" },
            ["ociPassword"],
            ["flux-gitops:ociPassword", "flux-gitops:ociUsername"],
        ],
        [
            "a plain password",
            { oci: { url: URL_ }, ociUsername: "u", ociPassword: "p" },
            [],
            ["flux-gitops:ociPassword"],
        ],
        [
            "git as well",
            { oci: { url: URL_ }, git: { url: "https://g.example/r.git" } },
            [],
            ["flux-gitops:oci"],
        ],
    ];
    for (const [what, raw, secret, keys] of bad) {
        it(`refuses ${what}`, async () => {
            const { result, problems } = await runSection(parseOci, raw, secret);
            expect(result).to.equal(undefined);
            expect(keysOf(problems)).to.deep.equal(keys);
            expect(JSON.stringify(problems)).to.not.contain('"p"');
        });
    }

    it("replaces Git as the stack's source: no git key needed", async () => {
        const age = await import("age-encryption");
        const r = await parseStackConfig({
            oci: { value: { url: URL_ }, secret: false },
            ageKey: { value: await age.generateX25519Identity(), secret: true },
        });
        expect(r.ok).to.equal(true);
        if (r.ok) {
            expect(r.config.source.kind).to.equal("oci");
            expect(r.config.source.kind === "oci" && r.config.source.oci.url).to.equal(URL_);
        }
    });
});
