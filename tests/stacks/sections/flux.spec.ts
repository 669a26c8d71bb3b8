import { expect } from "chai";
import * as fs from "fs";
import { manifestFile } from "../../helpers/flux-manifest";
import { keysOf, runFlux } from "../../helpers/section";

describe("section flux", () => {
    it("defaults to the pinned release's install.yaml into flux-system, kept on destroy", async () => {
        const { result, problems } = await runFlux({});
        expect(problems).to.deep.equal([]);
        const { objects, ...rest } = result!;
        expect(rest).to.deep.equal({
            version: "v2.9.5",
            namespace: "flux-system",
            manifest: "https://github.com/fluxcd/flux2/releases/download/v2.9.5/install.yaml",
            keepOnDestroy: true,
            options: {},
        });
        expect(objects.map((o) => o.metadata.name)).to.not.include("image-reflector-controller");
    });

    it("takes a local manifest for another namespace", async () => {
        const { result, problems } = await runFlux({
            flux: { namespace: "gitops", manifest: manifestFile(), keepOnDestroy: false },
        });
        expect(problems).to.deep.equal([]);
        expect(result).to.include({ namespace: "gitops", keepOnDestroy: false });
    });

    it("refuses another namespace with the release manifest, and a missing manifest file", async () => {
        const a = await runFlux({ flux: { namespace: "gitops" } });
        expect(a.result).to.equal(undefined);
        expect(keysOf(a.problems)).to.deep.equal(["flux-gitops:flux.namespace"]);
        const b = await runFlux({ flux: { manifest: "./nope.yaml" } });
        expect(keysOf(b.problems)).to.deep.equal(["flux-gitops:flux.manifest"]);
        expect(b.problems[0].expected).to.contain("no file exists at");
    });
});

describe("section flux: install options", () => {
    const objectsOf = async (flux: Record<string, unknown>, raw: Record<string, unknown> = {}) => {
        const { result, problems } = await runFlux({ flux, ...raw }, Object.keys(raw));
        expect(problems).to.deep.equal([]);
        return result!;
    };

    it("keeps every option it was given and builds the objects with them", async () => {
        const r = await objectsOf({
            components: ["source-controller", "kustomize-controller"],
            registry: "registry.corp.example/fluxcd",
            logLevel: "debug",
            networkPolicy: false,
        });
        expect(r.options).to.deep.equal({
            components: ["source-controller", "kustomize-controller"],
            registry: "registry.corp.example/fluxcd",
            logLevel: "debug",
            networkPolicy: false,
        });
        const deployments = r.objects.filter((o) => o.kind === "Deployment");
        expect(deployments.map((o) => o.metadata.name)).to.deep.equal([
            "source-controller",
            "kustomize-controller",
        ]);
        expect(r.objects.filter((o) => o.kind === "NetworkPolicy")).to.deep.equal([]);
        expect((deployments[0] as any).spec.template.spec.containers[0].image).to.equal(
            "registry.corp.example/fluxcd/source-controller:v1.7.2",
        );
    });

    it("passes tolerations, nodeSelector and per-controller settings to the objects", async () => {
        const r = await objectsOf({
            tolerations: [{ key: "dedicated", operator: "Exists" }],
            nodeSelector: { pool: "infra" },
            controllers: { "helm-controller": { resources: { limits: { memory: "3Gi" } } } },
        });
        const helm = r.objects.find(
            (o) => o.kind === "Deployment" && o.metadata.name === "helm-controller",
        ) as any;
        const pod = helm.spec.template.spec;
        expect(pod.tolerations).to.deep.equal([{ key: "dedicated", operator: "Exists" }]);
        expect(pod.nodeSelector).to.deep.equal({ "kubernetes.io/os": "linux", pool: "infra" });
        expect(pod.containers[0].resources.limits).to.deep.equal({ cpu: "1000m", memory: "3Gi" });
    });

    it("sizes kustomize- and helm-controller with flux.size, controllers' own limits on top", async () => {
        const r = await objectsOf({
            size: "medium",
            controllers: { "helm-controller": { resources: { limits: { memory: "4Gi" } } } },
        });
        expect(r.options).to.deep.equal({
            size: "medium",
            controllers: { "helm-controller": { resources: { limits: { memory: "4Gi" } } } },
        });
        const container = (name: string) =>
            (r.objects.find((o) => o.kind === "Deployment" && o.metadata.name === name) as any).spec
                .template.spec.containers[0];
        expect(container("kustomize-controller").resources.limits).to.deep.equal({
            cpu: "2",
            memory: "1Gi",
        });
        expect(container("helm-controller").resources.limits).to.deep.equal({
            cpu: "2",
            memory: "4Gi",
        });
        expect(container("kustomize-controller").args.slice(-2)).to.deep.equal([
            "--concurrent=10",
            "--requeue-dependency=5s",
        ]);
    });

    it("builds the image pull Secret's docker config from the registry credentials", async () => {
        const r = await objectsOf(
            { imagePullSecret: "flux-pull", registry: "registry.corp.example/fluxcd" },
            { fluxRegistryCredentials: "robot:s3cret" },
        );
        expect(r.pullSecret?.name).to.equal("flux-pull");
        expect(JSON.parse(r.pullSecret!.dockerConfigJson).auths).to.have.keys([
            "registry.corp.example",
        ]);
    });

    const bad: [string, Record<string, unknown>, string, string][] = [
        ["sha256", { sha256: "abc" }, "flux-gitops:flux.sha256", "64 hex characters"],
        ["components empty", { components: [] }, "flux-gitops:flux.components", "non-empty list"],
        [
            "components repeated",
            { components: ["helm-controller", "helm-controller"] },
            "flux-gitops:flux.components",
            "distinct",
        ],
        [
            "registry with scheme",
            { registry: "https://r.example" },
            "flux-gitops:flux.registry",
            "without scheme",
        ],
        [
            "logLevel",
            { logLevel: "trace" },
            "flux-gitops:flux.logLevel",
            "one of debug, info, error",
        ],
        ["size", { size: "huge" }, "flux-gitops:flux.size", "one of small, medium, large"],
        [
            "clusterDomain",
            { clusterDomain: "Cluster_Local" },
            "flux-gitops:flux.clusterDomain",
            "DNS domain",
        ],
        [
            "networkPolicy",
            { networkPolicy: "no" },
            "flux-gitops:flux.networkPolicy",
            "true or false",
        ],
        [
            "toleration operator",
            { tolerations: [{ key: "a", operator: "Maybe" }] },
            "flux-gitops:flux.tolerations[0].operator",
            "a list of tolerations",
        ],
        [
            "resources quantity",
            { controllers: { "helm-controller": { resources: { limits: { memory: "lots" } } } } },
            "flux-gitops:flux.controllers.helm-controller.resources.limits.memory",
            "quantity",
        ],
        [
            "a patch without text",
            { patches: [{ target: { kind: "Deployment" } }] },
            "flux-gitops:flux.patches[0].patch",
            "YAML text",
        ],
        [
            "a patch target field",
            { patches: [{ patch: "a: b", target: { kinds: "Deployment" } }] },
            "flux-gitops:flux.patches[0].target.kinds",
            "no such key",
        ],
    ];
    for (const [what, flux, key, expected] of bad) {
        it(`refuses a bad ${what}`, async () => {
            const { result, problems } = await runFlux({ flux });
            expect(result).to.equal(undefined);
            expect(keysOf(problems)).to.deep.equal([key]);
            expect(problems[0].expected).to.contain(expected);
        });
    }

    it("names the available components when one is unknown", async () => {
        const { problems } = await runFlux({
            flux: { components: ["source-controller", "image-automation-controller"] },
        });
        expect(problems).to.deep.equal([
            {
                key: "flux-gitops:flux.components",
                value: '["source-controller","image-automation-controller"]',
                expected:
                    "components the install manifest holds: helm-controller, image-reflector-controller, kustomize-controller, notification-controller, source-controller; not image-automation-controller",
            },
        ]);
    });

    it("refuses settings for a controller that is not installed", async () => {
        const { problems } = await runFlux({
            flux: { controllers: { "image-reflector-controller": { nodeSelector: { a: "b" } } } },
        });
        expect(keysOf(problems)).to.deep.equal([
            "flux-gitops:flux.controllers.image-reflector-controller",
        ]);
        expect(problems[0].expected).to.equal(
            "one of the installed components (source-controller, kustomize-controller, helm-controller, notification-controller)",
        );
    });

    it("names the patch that selects nothing", async () => {
        const { problems } = await runFlux({
            flux: {
                patches: [
                    {
                        target: { kind: "Deployment", name: "kustomise-controller" },
                        patch: "metadata: {labels: {a: b}}",
                    },
                ],
            },
        });
        expect(keysOf(problems)).to.deep.equal(["flux-gitops:flux.patches[0]"]);
        expect(problems[0].expected).to.contain("selects none");
    });

    it("fails the preview when the pinned checksum does not match, saying the new one", async () => {
        const file = manifestFile();
        const pinned = "0".repeat(64);
        const { problems } = await runFlux({
            flux: { manifest: file, sha256: pinned },
        });
        const actual = require("crypto")
            .createHash("sha256")
            .update(fs.readFileSync(file))
            .digest("hex");
        expect(keysOf(problems)).to.deep.equal(["flux-gitops:flux.sha256"]);
        expect(problems[0].value).to.equal(JSON.stringify(pinned));
        expect(problems[0].expected).to.contain(`which is now ${actual}`);
        const ok = await runFlux({ flux: { manifest: file, sha256: actual } });
        expect(ok.problems).to.deep.equal([]);
        expect(ok.result?.sha256).to.equal(actual);
    });

    it("says what to do when the release cannot be downloaded", async () => {
        const { problems } = await runFlux({
            flux: { manifest: "https://mirror.invalid/flux/install.yaml" },
        });
        expect(keysOf(problems)).to.deep.equal(["flux-gitops:flux.manifest"]);
        expect(problems[0].expected).to.contain("ENOTFOUND");
        expect(problems[0].expected).to.contain("set `flux-gitops:flux.manifest` to its path");
    });

    it("requires registry credentials, as a secret, exactly when imagePullSecret is set", async () => {
        const missing = await runFlux({ flux: { imagePullSecret: "flux-pull" } });
        expect(missing.problems).to.deep.equal([
            {
                key: "flux-gitops:fluxRegistryCredentials",
                value: "(not set)",
                expected:
                    "registry credentials as `username:password` (like `flux bootstrap --registry-creds`), required when `flux-gitops:flux.imagePullSecret` is set",
            },
        ]);
        const plain = await runFlux(
            { flux: { imagePullSecret: "flux-pull" }, fluxRegistryCredentials: "robot:pw" },
            [],
        );
        expect(plain.problems[0].value).to.equal("[stored in plain text, not shown]");
        const stray = await runFlux({ fluxRegistryCredentials: "robot:pw" }, [
            "fluxRegistryCredentials",
        ]);
        expect(keysOf(stray.problems)).to.deep.equal(["flux-gitops:fluxRegistryCredentials"]);
        expect(stray.problems[0].value).to.equal("[secret]");
        const shape = await runFlux(
            { flux: { imagePullSecret: "flux-pull" }, fluxRegistryCredentials: "no-colon" },
            ["fluxRegistryCredentials"],
        );
        expect(shape.problems[0]).to.deep.include({ value: "[secret]" });
        expect(JSON.stringify(shape.problems)).to.not.contain("no-colon");
    });
});
