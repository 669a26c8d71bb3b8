import { expect } from "chai";
import { buildInstall } from "../../../prepare/install";
import { ConfigError, parseStackConfig, RawConfig } from "../../../stacks";
import { P, stackWithSecrets, withValue } from "../../helpers/fixtures";
import { newAgeIdentity } from "../../helpers/keys";
import { runFailingProgram, runProgram } from "../../helpers/mocks";
import { plainCarriers } from "../../helpers/secrets";

/*
 * The bad-input guarantees (secret marking, no credential echo, semantics, CRD
 * validation in tests/stacks/sections/flux-objects.spec.ts, checks across sections) hold for the OCI source, the GitHub App
 * and CA bundle keys and the install's image pull Secret as for the rest.
 */
const OCI_URL = "oci://ghcr.io/acme-platform/cluster-gitops";
const OCI_REPOSITORY = "kubernetes:source.toolkit.fluxcd.io/v1:OCIRepository";

async function raw(values: Record<string, unknown>, secret: string[] = []): Promise<RawConfig> {
    const all: Record<string, unknown> = { ageKey: await newAgeIdentity(), ...values };
    return Object.fromEntries(
        Object.entries(all).map(([k, value]) => [
            k,
            { value, secret: k === "ageKey" || secret.includes(k) },
        ]),
    );
}

async function problemsOf(values: Record<string, unknown>, secret: string[] = []) {
    // As the program runs: the config, then (once it is valid) the install step.
    const r = await parseStackConfig(await raw(values, secret));
    const problems = r.ok ? (await buildInstall(r.config.flux)).problems : r.problems;
    expect(problems.length, "the config was accepted").to.be.greaterThan(0);
    return problems;
}

/** The prod stack with the OCI source instead of Git. */
async function ociStack(oci: Record<string, unknown>) {
    const base = await stackWithSecrets("prod");
    let config = withValue(base.config, "git", [], undefined);
    config = withValue(config, "gitSshIdentity", [], undefined);
    config = withValue(config, "gitKnownHosts", [], undefined);
    config = withValue(config, "oci", [], oci);
    return { config, secretKeys: base.secretKeys.filter((k) => k !== `${P}:gitSshIdentity`) };
}

describe("new sources and keys under the bad-input guarantees", () => {
    it("keeps every value of an oci key set with --secret a secret in every resource input", async () => {
        const url = "oci://registry.example.test/hidden-repo-06/gitops";
        const s = await ociStack({ url, ref: { tag: "code-name-07" } });
        const run = await runProgram(s.config, [...s.secretKeys, `${P}:oci`]);
        expect(plainCarriers(run.resources, "hidden-repo-06")).to.deep.equal([]);
        expect(plainCarriers(run.resources, "code-name-07")).to.deep.equal([]);
        const repo = run.resources.filter((r) => r.type === OCI_REPOSITORY);
        expect(repo.map((r) => r.inputs.spec.url)).to.deep.equal([url]);
    });

    it("keeps an oci key set without --secret plain, so it shows in diffs", async () => {
        const s = await ociStack({ url: OCI_URL });
        const run = await runProgram(s.config, s.secretKeys);
        expect(plainCarriers(run.resources, "acme-platform/cluster-gitops")).to.have.length(1);
    });

    for (const [what, url, hidden] of [
        ["a token in the query", `${OCI_URL}?token=tok-Secret-08`, "tok-Secret-08"],
        ["user-info", "oci://robot:pw-Secret-09@ghcr.io/acme/gitops", "pw-Secret-09"],
    ]) {
        it(`refuses an oci.url with ${what} and never shows it`, async () => {
            const problems = await problemsOf({ oci: { url } });
            expect(problems.map((p) => p.key)).to.deep.equal([`${P}:oci.url`]);
            expect(JSON.stringify(problems)).not.to.contain(hidden);
            const s = await ociStack({ url });
            const { error } = await runFailingProgram(s.config, s.secretKeys);
            expect(error).to.be.instanceOf(ConfigError);
            expect(String((error as Error).message)).not.to.contain(hidden);
        });
    }

    it("refuses an oci.ref.semver that is no semver range, as for git.ref.semver", async () => {
        const problems = await problemsOf({ oci: { url: OCI_URL, ref: { semver: ">=1.0 <<2" } } });
        expect(problems.map((p) => p.key)).to.deep.equal([`${P}:oci.ref.semver`]);
    });

    it("refuses an OCI pull Secret named like the sops Secret", async () => {
        const problems = await problemsOf(
            {
                oci: { url: OCI_URL, secretName: "sops-age" },
                sops: { secretName: "sops-age" },
                ociUsername: "robot",
                ociPassword: "pw",
            },
            ["ociPassword"],
        );
        expect(problems.map((p) => p.key)).to.deep.equal([`${P}:oci.secretName`]);
        expect(problems[0].expected).to.contain(`${P}:sops.secretName`);
    });

    it("lets a public OCI repository share the sops Secret's name (it declares no Secret)", async () => {
        const r = await parseStackConfig(
            await raw({
                oci: { url: OCI_URL, secretName: "sops-age" },
                sops: { secretName: "sops-age" },
            }),
        );
        expect(r.ok).to.equal(true);
    });

    it("refuses a Git Secret that holds only a CA bundle but is named like the sops Secret", async () => {
        const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        const problems = await problemsOf({
            git: { url: "https://git.example.test/r.git", secretName: "sops-age" },
            sops: { secretName: "sops-age" },
            gitCaBundle: ca,
        });
        expect(problems.map((p) => p.key)).to.deep.equal([`${P}:git.secretName`]);
    });

    it("refuses an image pull Secret named like the sops Secret", async () => {
        const problems = await problemsOf(
            {
                flux: { imagePullSecret: "sops-age" },
                git: { url: "https://git.example.test/r.git" },
                sops: { secretName: "sops-age" },
                fluxRegistryCredentials: "robot:tok",
            },
            ["fluxRegistryCredentials"],
        );
        expect(problems.map((p) => p.key)).to.deep.equal([`${P}:flux.imagePullSecret`]);
    });

    for (const key of ["gitGithubAppPrivateKey", "ociPassword", "fluxRegistryCredentials"]) {
        it(`refuses ${key} stored without --secret and does not show it`, async () => {
            const problems = await problemsOf({
                oci: { url: OCI_URL },
                [key]: "plain-Secret-10",
            });
            expect(problems.map((p) => p.key)).to.include(`${P}:${key}`);
            expect(JSON.stringify(problems)).not.to.contain("plain-Secret-10");
        });
    }

    for (const [what, manifest] of [
        ["a missing local file", "./no-such-dir/code-name-11.yaml"],
        ["an unreachable URL", "https://flux.example.test/code-name-11/install.yaml"],
    ]) {
        it(`does not show ${what} of a flux key set with --secret in the problem`, async () => {
            const problems = await problemsOf({ flux: { manifest }, oci: { url: OCI_URL } }, [
                "flux",
            ]);
            expect(problems.map((p) => p.key)).to.deep.equal([`${P}:flux.manifest`]);
            expect(JSON.stringify(problems)).not.to.contain("code-name-11");
        });
    }
});
