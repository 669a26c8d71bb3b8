import { expect } from "chai";
import { clearManifestCache } from "../../flux/install";
import { stackWithSecrets, P, withValue } from "../helpers/fixtures";
import { manifestFile, syntheticInstallObjects } from "../helpers/flux-manifest";
import { installResources } from "../helpers/install";
import { fetched } from "../helpers/offline-release";
import {
    isSecretMarked,
    ProgramRun,
    recordedTransforms,
    Registered,
    runFailingProgram,
    runProgram,
} from "../helpers/mocks";

const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const RELEASE = "https://github.com/fluxcd/flux2/releases/download/v2.9.5/install.yaml";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/** A Service of the release's shape (notification-controller's webhook receiver). */
const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
        name: "webhook-receiver",
        namespace: "flux-system",
        labels: { "app.kubernetes.io/component": "notification-controller" },
    },
    spec: {
        type: "ClusterIP",
        selector: { app: "notification-controller" },
        ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http-webhook" }],
    },
};

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
        const install = installResources(run);
        const resource = install.find((r) => r.type === "kubernetes:core/v1:Secret")!;
        expect(resource.name).to.equal("flux:flux-system/flux-pull");
        const secret = resource.inputs;
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
        expect(isSecretMarked(resource.serialized.data)).to.equal(true);
        const deployments = install.filter((r) => r.type === "kubernetes:apps/v1:Deployment");
        expect(deployments).to.have.length(4);
        for (const d of deployments) {
            // It exists before the controllers' pods pull.
            expect(d.dependencies, d.name).to.include(resource.urn);
            const pod = d.inputs.spec.template.spec;
            expect(pod.imagePullSecrets).to.deep.equal([{ name: "flux-pull" }]);
            expect(pod.containers[0].image).to.match(/^registry\.corp\.example\/fluxcd\/[a-z-]+:v/);
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

    it("applies the namespace and CRDs before every other object of the install", async () => {
        const run = await runProgram(base.config, base.secretKeys, { stack: "prod" });
        const install = installResources(run);
        const first = install.filter((r) => [NAMESPACE, CRD].includes(r.type));
        // The synthetic release's namespace and the CRDs of Flux's default controllers.
        expect(first.map((r) => r.inputs.metadata.name)).to.have.members([
            "flux-system",
            "gitrepositories.source.toolkit.fluxcd.io",
            "kustomizations.kustomize.toolkit.fluxcd.io",
        ]);
        const urns = install.map((r) => r.urn);
        for (const r of first) {
            expect(
                r.dependencies.filter((d) => urns.includes(d)),
                r.name,
            ).to.deep.equal([]);
        }
        const rest = install.filter((r) => !first.includes(r));
        expect(rest.length).to.be.greaterThan(10);
        for (const r of rest) {
            expect(r.dependencies, r.name).to.include.members(first.map((f) => f.urn));
        }
    });

    it("declares each object with its options, and no transform for the engine to call back", async () => {
        const run = await runProgram(base.config, base.secretKeys, { stack: "prod" });
        // A transform is called through the engine once per object, with the whole object.
        expect(recordedTransforms).to.deep.equal([]);
        const install = installResources(run);
        expect(install.length).to.be.greaterThan(10);
        for (const r of install) {
            // prod keeps Flux on destroy (flux.keepOnDestroy: true).
            expect(r.retainOnDelete, r.name).to.equal(true);
            expect(r.ignoreChanges, r.name).to.deep.equal([]);
        }
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
    let run: ProgramRun;
    before(async () => {
        const base = await stackWithSecrets("prod");
        const file = manifestFile([...syntheticInstallObjects(), service]);
        run = await runProgram(withValue(base.config, "flux", ["manifest"], file), base.secretKeys);
    });
    const byName = (name: string): Registered => {
        const found = installResources(run).filter((r) => r.name === name);
        expect(found, name).to.have.length(1);
        return found[0];
    };

    it("keep the cluster IPs the API server assigned out of every diff (an imported Service would be replaced)", () => {
        const s = byName("flux:flux-system/webhook-receiver");
        expect(s.type).to.equal("kubernetes:core/v1:Service");
        expect(s.ignoreChanges).to.deep.equal(["spec.clusterIP", "spec.clusterIPs"]);
        expect(s.inputs.spec).to.deep.equal(service.spec);
    });

    it("and nothing else is touched", () => {
        const others = installResources(run).filter(
            (r) => r.name !== "flux:flux-system/webhook-receiver",
        );
        expect(others.length).to.be.greaterThan(10);
        for (const r of others) expect(r.ignoreChanges, r.name).to.deep.equal([]);
    });
});

describe("the install's objects of other kinds", () => {
    it("are registered under the type the ConfigGroup gave them, core/v1 for the core group's", async () => {
        const base = await stackWithSecrets("prod");
        const configMap = {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "flux-settings", namespace: "flux-system" },
            data: { level: "info" },
        };
        const widget = {
            apiVersion: "widgets.example.com/v1alpha1",
            kind: "Widget",
            metadata: { name: "w", namespace: "flux-system" },
            spec: { size: 3 },
            extra: { kept: true },
        };
        const role = {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name: "reader", namespace: "flux-system" },
            rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }],
        };
        const file = manifestFile([...syntheticInstallObjects(), configMap, widget, role]);
        const run = await runProgram(
            withValue(base.config, "flux", ["manifest"], file),
            base.secretKeys,
        );
        const install = installResources(run);
        const of = (name: string) => {
            const found = install.filter((r) => r.name === name);
            expect(found, name).to.have.length(1);
            return found[0];
        };
        expect(of("flux:flux-system/flux-settings").type).to.equal("kubernetes:core/v1:ConfigMap");
        expect(of("flux:flux-system/flux-settings").inputs).to.deep.equal(configMap);
        expect(of("flux:flux-system/w").type).to.equal(
            "kubernetes:widgets.example.com/v1alpha1:Widget",
        );
        // A kind without a class of its own keeps every field it declares.
        expect(of("flux:flux-system/w").inputs).to.deep.equal(widget);
        expect(of("flux:flux-system/reader").type).to.equal(
            "kubernetes:rbac.authorization.k8s.io/v1:Role",
        );
        expect(of("flux:flux-system/reader").inputs).to.deep.equal(role);
    });
});

describe("the install of a flux key stored as a secret", () => {
    it("makes every value of every object a secret, apiVersion and kind aside", async () => {
        const base = await stackWithSecrets("prod");
        const run = await runProgram(base.config, [...base.secretKeys, `${P}:flux`]);
        const install = installResources(run);
        expect(install.length).to.be.greaterThan(10);
        for (const r of install) {
            expect(Object.keys(r.serialized), r.name).to.include("metadata");
            for (const [k, v] of Object.entries(r.serialized)) {
                if (k === "apiVersion" || k === "kind") continue;
                expect(isSecretMarked(v), `${r.name} ${k}`).to.equal(true);
            }
        }
    });
});
