import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, DEFAULT_FLUX_VERSION } from "../../../stacks";
import { Layer } from "../../../flux/layers";
import { Problems } from "../../../stacks/problems";
import { SectionContext } from "../../../stacks/sections/context";
import { checkFluxObjects } from "../../../stacks/sections/flux-objects";
import { validatorsSource } from "../../toolchain/flux-validators";
import { stackWithSecrets, withValue } from "../../helpers/fixtures";
import { runFailingProgram } from "../../helpers/mocks";

/*
 * Class 4: what Flux's CRD validation would reject at apply time is a config error
 * now, with its key. The program checks the objects it declares against the CRD
 * schemas of the pinned release (stacks/flux-crd-schemas.json).
 */
const P = "flux-gitops";
const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("accepted here, rejected by Flux (class 4)", () => {
    let base: Awaited<ReturnType<typeof stackWithSecrets>>;
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    // The URL parser reads these as https:// URLs; the CRD's pattern ^(http|https|ssh)://.*$ does not.
    for (const url of [
        "HTTPS://git.example.test/org/repo.git",
        "https://git.example.test/org/re\npo.git",
    ]) {
        it(`refuses git.url ${JSON.stringify(url)}, which the GitRepository CRD rejects`, async () => {
            let config = withValue(base.config, "git", ["url"], url);
            config = withValue(config, "gitSshIdentity", [], undefined);
            config = withValue(config, "gitKnownHosts", [], undefined);
            const { error, resources } = await runFailingProgram(config, base.secretKeys);
            expect(error, String(error)).to.be.instanceOf(ConfigError);
            expect(resources).to.deep.equal([]);
            const problems = (error as ConfigError).problems;
            expect(problems.map((p) => p.key)).to.deep.equal([`${P}:git.url`]);
            expect(problems[0].expected).to.contain("GitRepository CRD");
            expect(problems[0].expected).to.contain("^(http|https|ssh)://.*$");
        });
    }

    const ctxFor = (): SectionContext => ({ raw: {}, problems: new Problems({}), baseDir: ROOT });
    const git = {
        repositoryName: "flux-system",
        url: "https://git.example.test/r.git",
        ref: { branch: "main" },
        interval: "1m0s",
        secretName: "flux-system",
        auth: "none" as const,
        credentials: {},
    };
    const layer: Layer = {
        name: "apps",
        path: "./apps",
        interval: "10m0s",
        prune: true,
        dependsOn: [],
        healthChecks: [],
    };

    it("maps every CRD violation of a Kustomization to the config key it comes from", () => {
        const ctx = ctxFor();
        checkFluxObjects(ctx, {
            source: { kind: "git", git },
            sopsSecretName: "sops-age",
            layers: [
                {
                    ...layer,
                    deletionPolicy: "Keep" as Layer["deletionPolicy"],
                    targetNamespace: "",
                    retryInterval: "5 minutes",
                    substitute: { A: 1 as unknown as string },
                },
            ],
        });
        expect(ctx.problems.sorted().map((p) => p.key)).to.deep.equal([
            `${P}:layers.apps.deletionPolicy`,
            `${P}:layers.apps.retryInterval`,
            `${P}:layers.apps.substitute.A`,
            `${P}:layers.apps.targetNamespace`,
        ]);
        for (const p of ctx.problems.sorted()) expect(p.expected).to.contain("Kustomization CRD");
    });

    it("passes the objects of a valid layer and repository", () => {
        const ctx = ctxFor();
        checkFluxObjects(ctx, {
            source: { kind: "git", git },
            sopsSecretName: "sops-age",
            layers: [layer],
        });
        expect(ctx.problems.sorted()).to.deep.equal([]);
    });

    const oci = {
        repositoryName: "flux-system",
        url: "oci://ghcr.io/acme-platform/cluster-gitops",
        ref: { tag: "latest" },
        interval: "1m0s",
        provider: "generic" as const,
        secretName: "flux-system",
    };

    it("passes a valid OCIRepository and the layers that build from it", () => {
        const ctx = ctxFor();
        checkFluxObjects(ctx, {
            source: { kind: "oci", oci },
            sopsSecretName: "sops-age",
            layers: [layer],
        });
        expect(ctx.problems.sorted()).to.deep.equal([]);
    });

    it("maps a CRD violation of the OCIRepository to its oci key", () => {
        const ctx = ctxFor();
        checkFluxObjects(ctx, {
            source: {
                kind: "oci",
                oci: { ...oci, interval: "5 minutes", url: "OCI://ghcr.io/a/b" },
            },
            sopsSecretName: "sops-age",
            layers: [layer],
        });
        const problems = ctx.problems.sorted();
        expect(problems.map((p) => p.key)).to.deep.equal([`${P}:oci.interval`, `${P}:oci.url`]);
        for (const p of problems) expect(p.expected).to.contain("OCIRepository CRD");
    });

    it("vendors the schemas of the release the toolchain and the program pin", () => {
        const env = fs.readFileSync(path.join(ROOT, "tests/toolchain/versions.env"), "utf8");
        const file = JSON.parse(
            fs.readFileSync(path.join(ROOT, "stacks/flux-crd-schemas.json"), "utf8"),
        );
        expect(file.release).to.equal(/^FLUX_VERSION=(\S+)$/m.exec(env)?.[1]);
        expect(file.release).to.equal(DEFAULT_FLUX_VERSION);
        expect(Object.keys(file.schemas)).to.deep.equal([
            "kustomize.toolkit.fluxcd.io/v1/Kustomization",
            "source.toolkit.fluxcd.io/v1/GitRepository",
            "source.toolkit.fluxcd.io/v1/OCIRepository",
        ]);
    });

    it("matches the CRDs of the cached toolchain, when it is built", function () {
        const crds = path.join(
            process.env.TOOLCHAIN_CACHE ?? path.join(os.homedir(), ".cache/flux-gitops-toolchain"),
            `flux-${DEFAULT_FLUX_VERSION}`,
            "crds",
        );
        if (!fs.existsSync(path.join(crds, "kustomize.toolkit.fluxcd.io_kustomizations.yaml"))) {
            this.skip();
        }
        const file = JSON.parse(
            fs.readFileSync(path.join(ROOT, "stacks/flux-crd-schemas.json"), "utf8"),
        );
        const crd = parse(
            fs.readFileSync(
                path.join(crds, "source.toolkit.fluxcd.io_gitrepositories.yaml"),
                "utf8",
            ),
        );
        const spec = crd.spec.versions.find((v: { name: string }) => v.name === "v1").schema
            .openAPIV3Schema.properties.spec;
        const vendored = file.schemas["source.toolkit.fluxcd.io/v1/GitRepository"];
        expect(vendored.properties.url).to.deep.equal({
            pattern: spec.properties.url.pattern,
            type: spec.properties.url.type,
        });
        expect(vendored.required).to.deep.equal(spec.required);
    });
});

describe("the Flux CRD validators", () => {
    it("are the code generated from the committed schemas (npm run gen:flux-validators)", () => {
        const schemas = fs.readFileSync(path.join(ROOT, "stacks/flux-crd-schemas.json"), "utf8");
        const committed = fs.readFileSync(path.join(ROOT, "stacks/flux-crd-validators.js"), "utf8");
        expect(committed).to.equal(validatorsSource(JSON.parse(schemas)));
    });
});
