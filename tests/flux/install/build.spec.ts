import { expect } from "chai";
import {
    availableComponents,
    buildInstallObjects,
    dockerConfigJson,
    KubeObject,
    matchesSelector,
    parseManifest,
    PatchError,
    rewriteImage,
    setArg,
    UnknownComponentsError,
} from "../../../flux/install";
import {
    COMMON_ARGS,
    CONTROLLER_ARGS,
    syntheticInstallManifest,
    syntheticInstallObjects,
} from "../../helpers/flux-manifest";

const MANIFEST = syntheticInstallManifest();
const DEFAULT_FOUR = [
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
];

const ids = (objs: KubeObject[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);
const deployment = (objs: KubeObject[], name: string) => {
    const d = objs.find((o) => o.kind === "Deployment" && o.metadata.name === name);
    expect(d, `Deployment ${name}`).to.not.equal(undefined);
    return d as any;
};
const pod = (objs: KubeObject[], name: string) => deployment(objs, name).spec.template.spec;
const manager = (objs: KubeObject[], name: string) => pod(objs, name).containers[0];

describe("install manifest: parsing", () => {
    it("reads every object in file order, skipping empty documents", () => {
        const objs = parseManifest(`---\n---\n${MANIFEST}\n---\n`);
        expect(objs).to.have.length(18);
        expect(ids(objs).slice(0, 5)).to.deep.equal([
            "CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io",
            "CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io",
            "CustomResourceDefinition/imagepolicies.image.toolkit.fluxcd.io",
            "Namespace/flux-system",
            "ClusterRole/crd-controller-flux-system",
        ]);
    });

    it("rejects a document that is not a Kubernetes object, naming it", () => {
        expect(() => parseManifest("kind: Namespace\n---\nfoo: bar\n")).to.throw(
            "document 1 is not a Kubernetes object (apiVersion, kind and metadata.name)",
        );
    });

    it("lists the controllers the manifest holds, from their labels", () => {
        expect(availableComponents(parseManifest(MANIFEST))).to.deep.equal([
            "helm-controller",
            "image-reflector-controller",
            "kustomize-controller",
            "notification-controller",
            "source-controller",
        ]);
    });
});

describe("install manifest: components", () => {
    it("installs Flux's default four controllers, not everything the file holds", () => {
        const objs = buildInstallObjects(MANIFEST);
        expect(
            objs.filter((o) => o.kind === "Deployment").map((o) => o.metadata.name),
        ).to.deep.equal(DEFAULT_FOUR);
        // image-reflector-controller's CRD, ServiceAccount and Deployment are left out.
        expect(ids(objs)).to.not.include(
            "CustomResourceDefinition/imagepolicies.image.toolkit.fluxcd.io",
        );
        expect(ids(objs)).to.not.include("ServiceAccount/image-reflector-controller");
        expect(objs).to.have.length(18 - 3);
    });

    it("installs exactly the listed controllers with their CRDs and the shared objects", () => {
        const objs = buildInstallObjects(MANIFEST, {
            components: ["source-controller", "kustomize-controller"],
        });
        expect(ids(objs)).to.deep.equal([
            "CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io",
            "CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io",
            "Namespace/flux-system",
            "ClusterRole/crd-controller-flux-system",
            "ServiceAccount/source-controller",
            "ServiceAccount/kustomize-controller",
            "Deployment/source-controller",
            "Deployment/kustomize-controller",
            "NetworkPolicy/allow-egress",
            "NetworkPolicy/allow-scraping",
            "NetworkPolicy/allow-webhooks",
        ]);
    });

    it("installs an extra controller when asked", () => {
        const objs = buildInstallObjects(MANIFEST, {
            components: [...DEFAULT_FOUR, "image-reflector-controller"],
        });
        expect(ids(objs)).to.include("Deployment/image-reflector-controller");
        expect(ids(objs)).to.include(
            "CustomResourceDefinition/imagepolicies.image.toolkit.fluxcd.io",
        );
    });

    it("rejects unknown components and lists the available ones", () => {
        let error: unknown;
        try {
            buildInstallObjects(MANIFEST, {
                components: ["source-controller", "image-automation-controller", "sauce"],
            });
        } catch (e) {
            error = e;
        }
        expect(error).to.be.instanceOf(UnknownComponentsError);
        expect((error as Error).message).to.equal(
            "unknown components image-automation-controller, sauce; the install manifest holds " +
                "helm-controller, image-reflector-controller, kustomize-controller, notification-controller, source-controller",
        );
    });

    it("keeps a manifest without component labels whole (the e2e manifest: namespace and CRDs only)", () => {
        const bare = [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system" } },
            {
                apiVersion: "apiextensions.k8s.io/v1",
                kind: "CustomResourceDefinition",
                metadata: { name: "x.y" },
            },
        ];
        expect(buildInstallObjects(syntheticInstallManifest(bare))).to.deep.equal(bare);
    });
});

describe("install manifest: images", () => {
    it("moves every controller image to the registry, keeping name and tag", () => {
        const objs = buildInstallObjects(MANIFEST, {
            registry: "registry.corp.example/mirror/fluxcd/",
        });
        expect(manager(objs, "source-controller").image).to.equal(
            "registry.corp.example/mirror/fluxcd/source-controller:v1.7.2",
        );
        expect(manager(objs, "helm-controller").image).to.equal(
            "registry.corp.example/mirror/fluxcd/helm-controller:v1.4.2",
        );
    });

    it("keeps a digest and a registry port as they are", () => {
        expect(
            rewriteImage(
                "ghcr.io/fluxcd/kustomize-controller:v1.7.1@sha256:abc",
                "mirror:5000/flux",
            ),
        ).to.equal("mirror:5000/flux/kustomize-controller:v1.7.1@sha256:abc");
        expect(rewriteImage("localhost:5000/source-controller:v1", "r.example")).to.equal(
            "r.example/source-controller:v1",
        );
    });

    it("pulls every controller with the image pull secret, once", () => {
        const objs = buildInstallObjects(MANIFEST, { imagePullSecret: "flux-registry" });
        for (const c of DEFAULT_FOUR) {
            expect(pod(objs, c).imagePullSecrets).to.deep.equal([{ name: "flux-registry" }]);
        }
        const twice = buildInstallObjects(syntheticInstallManifest(objs), {
            imagePullSecret: "flux-registry",
        });
        expect(pod(twice, "helm-controller").imagePullSecrets).to.deep.equal([
            { name: "flux-registry" },
        ]);
    });

    it("writes the registry credentials as a docker config for the registry's host", () => {
        const json = JSON.parse(dockerConfigJson("registry.corp.example/mirror", "robot$flux:p:w"));
        expect(json).to.deep.equal({
            auths: {
                "registry.corp.example": {
                    username: "robot$flux",
                    password: "p:w",
                    auth: Buffer.from("robot$flux:p:w").toString("base64"),
                },
            },
        });
    });
});

describe("install manifest: scheduling and size", () => {
    const objs = buildInstallObjects(MANIFEST, {
        tolerations: [{ key: "dedicated", operator: "Equal", value: "flux", effect: "NoSchedule" }],
        nodeSelector: { "node-role": "infra" },
        controllers: {
            "kustomize-controller": {
                tolerations: [{ key: "big", operator: "Exists" }],
                nodeSelector: { "kubernetes.io/os": "linux", size: "large" },
                resources: { limits: { memory: "2Gi" }, requests: { cpu: "500m" } },
            },
        },
    });

    it("gives every controller the shared tolerations and node selector", () => {
        expect(pod(objs, "source-controller").tolerations).to.deep.equal([
            { key: "dedicated", operator: "Equal", value: "flux", effect: "NoSchedule" },
        ]);
        expect(pod(objs, "source-controller").nodeSelector).to.deep.equal({
            "kubernetes.io/os": "linux",
            "node-role": "infra",
        });
        expect(manager(objs, "source-controller").resources).to.deep.equal({
            limits: { cpu: "1000m", memory: "1Gi" },
            requests: { cpu: "100m", memory: "64Mi" },
        });
    });

    it("adds one controller's own settings on top, quantity by quantity", () => {
        expect(pod(objs, "kustomize-controller").tolerations).to.deep.equal([
            { key: "dedicated", operator: "Equal", value: "flux", effect: "NoSchedule" },
            { key: "big", operator: "Exists" },
        ]);
        expect(pod(objs, "kustomize-controller").nodeSelector).to.deep.equal({
            "kubernetes.io/os": "linux",
            "node-role": "infra",
            size: "large",
        });
        expect(manager(objs, "kustomize-controller").resources).to.deep.equal({
            limits: { cpu: "1000m", memory: "2Gi" },
            requests: { cpu: "500m", memory: "64Mi" },
        });
    });
});

describe("install manifest: controller flags", () => {
    it("sets the log level in place", () => {
        const objs = buildInstallObjects(MANIFEST, { logLevel: "debug" });
        expect(manager(objs, "kustomize-controller").args).to.deep.equal([
            CONTROLLER_ARGS["kustomize-controller"][0],
            "--watch-all-namespaces=true",
            "--log-level=debug",
            "--log-encoding=json",
            "--enable-leader-election",
        ]);
    });

    it("limits the controllers to their namespace when watchAllNamespaces is false", () => {
        const objs = buildInstallObjects(MANIFEST, { watchAllNamespaces: false });
        for (const c of DEFAULT_FOUR) {
            expect(manager(objs, c).args).to.include("--watch-all-namespaces=false");
            expect(manager(objs, c).args).to.not.include("--watch-all-namespaces=true");
        }
    });

    it("addresses services under another cluster domain", () => {
        const objs = buildInstallObjects(MANIFEST, { clusterDomain: "k8s.corp" });
        expect(manager(objs, "source-controller").args).to.deep.equal([
            "--events-addr=http://notification-controller.$(RUNTIME_NAMESPACE).svc.k8s.corp./",
            ...COMMON_ARGS,
            "--storage-path=/data",
            "--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.k8s.corp.",
        ]);
    });

    it("appends a flag that is not there, replaces one that is", () => {
        expect(setArg(["--a=1", "--b"], "--b", "x")).to.deep.equal(["--a=1", "--b=x"]);
        expect(setArg(["--a=1"], "--c", "2")).to.deep.equal(["--a=1", "--c=2"]);
        expect(setArg(["--ab=1"], "--a", "2")).to.deep.equal(["--ab=1", "--a=2"]);
    });

    it("locks down multi-tenancy like the Operator's cluster.multitenant", () => {
        const objs = buildInstallObjects(MANIFEST, {
            components: [...DEFAULT_FOUR, "image-reflector-controller"],
            multitenant: true,
        });
        const added = (c: string) => manager(objs, c).args.slice(CONTROLLER_ARGS[c].length);
        expect(added("kustomize-controller")).to.deep.equal([
            "--no-cross-namespace-refs=true",
            "--no-remote-bases=true",
            "--default-service-account=default",
        ]);
        expect(added("helm-controller")).to.deep.equal([
            "--no-cross-namespace-refs=true",
            "--default-service-account=default",
        ]);
        expect(added("notification-controller")).to.deep.equal(["--no-cross-namespace-refs=true"]);
        expect(added("image-reflector-controller")).to.deep.equal([
            "--no-cross-namespace-refs=true",
        ]);
        expect(added("source-controller")).to.deep.equal([]);
    });

    it("impersonates the configured tenant service account", () => {
        const objs = buildInstallObjects(MANIFEST, {
            multitenant: true,
            tenantDefaultServiceAccount: "flux-tenant",
        });
        expect(manager(objs, "helm-controller").args).to.include(
            "--default-service-account=flux-tenant",
        );
    });
});

describe("install manifest: network policies", () => {
    const policies = (objs: KubeObject[]) =>
        objs.filter((o) => o.kind === "NetworkPolicy").map((o) => o.metadata.name);

    it("keeps the release's three policies by default", () => {
        expect(policies(buildInstallObjects(MANIFEST))).to.deep.equal([
            "allow-egress",
            "allow-scraping",
            "allow-webhooks",
        ]);
        expect(policies(buildInstallObjects(MANIFEST, { networkPolicy: true }))).to.have.length(3);
    });

    it("leaves them out with networkPolicy false, and nothing else", () => {
        const objs = buildInstallObjects(MANIFEST, { networkPolicy: false });
        expect(policies(objs)).to.deep.equal([]);
        expect(objs).to.have.length(18 - 3 - 3);
    });
});

describe("install manifest: patches", () => {
    it("applies a strategic-merge patch to the Deployments a name pattern selects", () => {
        const objs = buildInstallObjects(MANIFEST, {
            patches: [
                {
                    target: { kind: "Deployment", name: "(kustomize|helm)-controller" },
                    patch: [
                        "spec:",
                        "  template:",
                        "    spec:",
                        "      containers:",
                        "        - name: manager",
                        "          env:",
                        "            - name: HTTPS_PROXY",
                        "              value: http://proxy.corp:3128",
                    ].join("\n"),
                },
            ],
        });
        for (const c of ["kustomize-controller", "helm-controller"]) {
            expect(manager(objs, c).env.map((e: any) => e.name)).to.deep.equal([
                "RUNTIME_NAMESPACE",
                "GOMEMLIMIT",
                "HTTPS_PROXY",
            ]);
            expect(manager(objs, c).env[2]).to.deep.equal({
                name: "HTTPS_PROXY",
                value: "http://proxy.corp:3128",
            });
            expect(manager(objs, c).image).to.match(/^ghcr\.io\/fluxcd\//);
        }
        expect(manager(objs, "source-controller").env).to.have.length(2);
    });

    it("applies a JSON 6902 patch to the objects a label selector selects", () => {
        const objs = buildInstallObjects(MANIFEST, {
            patches: [
                {
                    target: {
                        kind: "Deployment",
                        labelSelector: "app.kubernetes.io/component=source-controller",
                    },
                    patch: "- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --concurrent=10\n",
                },
            ],
        });
        expect(manager(objs, "source-controller").args).to.deep.equal([
            ...CONTROLLER_ARGS["source-controller"],
            "--concurrent=10",
        ]);
        expect(manager(objs, "kustomize-controller").args).to.deep.equal(
            CONTROLLER_ARGS["kustomize-controller"],
        );
    });

    it("selects by the patch's own kind and name when it has no target, and removes with null", () => {
        const objs = buildInstallObjects(MANIFEST, {
            patches: [
                {
                    patch: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: helm-controller\nspec:\n  template:\n    spec:\n      nodeSelector: null\n",
                },
            ],
        });
        expect(pod(objs, "helm-controller")).to.not.have.property("nodeSelector");
        expect(pod(objs, "source-controller").nodeSelector).to.deep.equal({
            "kubernetes.io/os": "linux",
        });
    });

    const failing: [string, { patch: string; target?: Record<string, string> }, string][] = [
        [
            "a target that selects nothing",
            {
                target: { kind: "Deployment", name: "kustomise-controller" },
                patch: "metadata:\n  labels: {a: b}\n",
            },
            'patch 0: expected a target that selects at least one object of the install; {"kind":"Deployment","name":"kustomise-controller"} selects none',
        ],
        [
            "a JSON 6902 path that does not exist",
            {
                target: { kind: "Namespace" },
                patch: "- op: replace\n  path: /spec/nothing\n  value: 1\n",
            },
            "patch 0: expected operations that apply to Namespace/flux-system",
        ],
        [
            "an unknown operation",
            { target: { kind: "Namespace" }, patch: "- op: frobnicate\n  path: /x\n" },
            "patch 0: expected JSON 6902 operation 0 is invalid: OPERATION_OP_INVALID",
        ],
        [
            "a scalar",
            { target: { kind: "Namespace" }, patch: "just text" },
            "patch 0: expected a strategic-merge patch (a YAML map) or a JSON 6902 patch (a list of operations)",
        ],
        [
            "no target and no kind/name in the body",
            { patch: "spec:\n  replicas: 2\n" },
            "patch 0: expected a target (kind, name, labelSelector …) to select objects by",
        ],
    ];
    for (const [what, patch, message] of failing) {
        it(`refuses ${what}`, () => {
            let error: unknown;
            try {
                buildInstallObjects(MANIFEST, { patches: [patch] });
            } catch (e) {
                error = e;
            }
            expect(error).to.be.instanceOf(PatchError);
            expect((error as Error).message.startsWith(message), (error as Error).message).to.equal(
                true,
            );
        });
    }

    it("matches equality-based selectors term by term", () => {
        const l = { a: "1", b: "2" };
        expect(matchesSelector("a=1,b==2", l)).to.equal(true);
        expect(matchesSelector("a!=1", l)).to.equal(false);
        expect(matchesSelector("c!=1", l)).to.equal(true);
        expect(matchesSelector("a,!c", l)).to.equal(true);
        expect(matchesSelector("!a", l)).to.equal(false);
        expect(matchesSelector("a=2", l)).to.equal(false);
    });
});

describe("install manifest: purity", () => {
    it("never changes the objects it is given", () => {
        const input = syntheticInstallObjects();
        const before = JSON.stringify(input);
        const text = syntheticInstallManifest(input);
        buildInstallObjects(text, {
            registry: "r.example",
            imagePullSecret: "s",
            logLevel: "error",
            multitenant: true,
            tolerations: [{ operator: "Exists" }],
        });
        expect(JSON.stringify(input)).to.equal(before);
    });
});
