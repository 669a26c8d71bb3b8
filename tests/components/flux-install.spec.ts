import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { keepAssignedClusterIps } from "../../components/flux-install";
import { clearManifestCache } from "../../flux/install";
import { stackWithSecrets, P, withValue } from "../helpers/fixtures";
import { fetched } from "../helpers/offline-release";
import {
    isSecretMarked,
    promiseOf,
    recordedTransforms,
    runFailingProgram,
    runProgram,
} from "../helpers/mocks";

const CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup";
const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const RELEASE = "https://github.com/fluxcd/flux2/releases/download/v2.9.5/install.yaml";

describe("the program with install options", () => {
    let base: { config: Record<string, unknown>; secretKeys: string[] };
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    it("downloads the release manifest once per run", async () => {
        clearManifestCache();
        const before = fetched.length;
        await runProgram(base.config, base.secretKeys);
        expect(fetched.slice(before)).to.deep.equal([RELEASE]);
    });

    it("installs the image pull Secret with the controllers, its content a secret", async () => {
        let config = withValue(base.config, "flux", ["imagePullSecret"], "flux-pull");
        config = withValue(config, "flux", ["registry"], "registry.corp.example/fluxcd");
        config = withValue(config, "fluxRegistryCredentials", [], "robot:s3cret-pw");
        const secretKeys = [...base.secretKeys, `${P}:fluxRegistryCredentials`];
        const run = await runProgram(config, secretKeys);
        const group = run.resources.filter((r) => r.type === CONFIG_GROUP);
        expect(group).to.have.length(1);
        const objs = group[0].inputs.objs as any[];
        const secret = objs.find((o) => o.kind === "Secret");
        expect(secret.metadata).to.deep.equal({ name: "flux-pull", namespace: "flux-system" });
        expect(secret.type).to.equal("kubernetes.io/dockerconfigjson");
        const config_ = JSON.parse(
            Buffer.from(secret.data[".dockerconfigjson"], "base64").toString(),
        );
        expect(config_.auths["registry.corp.example"]).to.deep.include({
            username: "robot",
            password: "s3cret-pw",
        });
        // What the engine receives holds the credentials only inside a secret envelope.
        const serialized = (group[0].serialized.objs as any[]).find((o) => o.kind === "Secret");
        expect(isSecretMarked(serialized.data)).to.equal(true);
        for (const d of objs.filter((o) => o.kind === "Deployment")) {
            expect(d.spec.template.spec.imagePullSecrets).to.deep.equal([{ name: "flux-pull" }]);
            expect(d.spec.template.spec.containers[0].image).to.match(
                /^registry\.corp\.example\/fluxcd\/[a-z-]+:v/,
            );
        }
    });

    it("applies the layers as kustomize-controller under the multi-tenancy lockdown", async () => {
        const run = await runProgram(
            withValue(base.config, "flux", ["multitenant"], true),
            base.secretKeys,
        );
        const layers = run.resources.filter((r) => r.type === KUSTOMIZATION);
        expect(layers).to.have.length(3);
        for (const k of layers) {
            expect(k.inputs.spec.serviceAccountName).to.equal("kustomize-controller");
        }
        const plain = await runProgram(base.config, base.secretKeys);
        for (const k of plain.resources.filter((r) => r.type === KUSTOMIZATION)) {
            expect(k.inputs.spec).to.not.have.property("serviceAccountName");
        }
    });

    it("aliases every installed object to its resource under the earlier ConfigFile install", async () => {
        await runProgram(base.config, base.secretKeys, { stack: "prod" });
        // The install's one: the alias to the earlier ConfigFile, then keepAssignedClusterIps.
        expect(recordedTransforms).to.have.length(1);
        const [transform] = recordedTransforms;
        const child = {
            custom: true,
            type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
            name: "flux:kustomizations.kustomize.toolkit.fluxcd.io",
            props: { kind: "CustomResourceDefinition" },
            opts: { aliases: [] },
        };
        const result = (await transform(child))!;
        expect(result.props).to.deep.equal(child.props);
        const aliases = result.opts.aliases as { parent: string }[];
        expect(aliases).to.have.length(1);
        // The URN of the ConfigFile earlier versions declared: same stack, project and name.
        expect(await promiseOf(aliases[0].parent)).to.equal(
            "urn:pulumi:prod::flux-gitops::flux-gitops:index:FluxInstall$kubernetes:yaml/v2:ConfigFile::flux",
        );
        // The group itself is not aliased: it owns nothing in the cluster.
        const group = {
            ...child,
            custom: false,
            type: "kubernetes:yaml/v2:ConfigGroup",
            name: "flux",
        };
        expect(await transform(group)).to.equal(undefined);
        // A Service gets both: the alias and its cluster IPs kept out of the diff.
        const service = {
            ...child,
            type: "kubernetes:core/v1:Service",
            name: "flux:flux-system/webhook-receiver",
        };
        const both = (await transform(service))!.opts as pulumi.CustomResourceOptions;
        expect(both.aliases).to.have.length(1);
        expect(both.ignoreChanges).to.deep.equal(["spec.clusterIP", "spec.clusterIPs"]);
    });

    it("declares nothing when a component is unknown", async () => {
        const run = await runFailingProgram(
            withValue(base.config, "flux", ["components"], ["source-controler"]),
            base.secretKeys,
        );
        expect((run.error as Error).message).to.contain(
            '`flux-gitops:flux.components` is ["source-controler"]: expected components the install manifest holds:',
        );
        expect(run.resources).to.deep.equal([]);
    });
});

describe("the install's Services", () => {
    const registration = (type: string): pulumi.ResourceTransformArgs => ({
        type,
        name: "flux:flux-system/webhook-receiver",
        custom: true,
        props: { metadata: { name: "webhook-receiver", namespace: "flux-system" } },
        opts: { dependsOn: [] },
    });

    it("keep the cluster IPs the API server assigned out of every diff (an imported Service would be replaced)", () => {
        const r = keepAssignedClusterIps(
            registration("kubernetes:core/v1:Service"),
        ) as pulumi.ResourceTransformResult;
        expect((r.opts as pulumi.CustomResourceOptions).ignoreChanges).to.deep.equal([
            "spec.clusterIP",
            "spec.clusterIPs",
        ]);
        expect(r.opts.dependsOn).to.deep.equal([]);
    });

    it("and nothing else is touched", () => {
        for (const type of [
            "kubernetes:apps/v1:Deployment",
            "kubernetes:core/v1:ServiceAccount",
            "kubernetes:yaml/v2:ConfigGroup",
        ]) {
            expect(keepAssignedClusterIps(registration(type)), type).to.equal(undefined);
        }
    });
});
