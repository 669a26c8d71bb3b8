/**
 * End to end, with the real Pulumi CLI and kubernetes provider (inline program, as in
 * stack.e2e.ts), on the local control plane:
 *
 * 1. install options: the objects the program builds from a release-shaped manifest
 *    (Deployments and a Service included) are applied and read back from the API server; the
 *    next preview proposes no change, after the first `up` and after each of several `up`s
 *    that change a label on every object (the provider's await must not record the object as
 *    it was before the update);
 * 2. a Flux upgrade from the previous release's CRDs is refused while a CRD's
 *    status.storedVersions lists a version the new CRDs no longer serve;
 * 3. once migrated, the upgrade previews as in-place updates, applies, and every Flux object
 *    is still there (same UID) and Ready.
 *
 * The control plane has no kubelet, so no pod runs: Flux's controllers run as local processes
 * (tests/integration/flux/up.sh). Where the install holds Deployments (part 1), the stack adds
 * `pulumi.com/skipAwait` to them through `flux.patches`, the one place the Deployment await is
 * skipped; the user's default path still awaits the controllers.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { FluxInstall } from "../../components";
import { KubeObject, parseManifest, withAppliedToken } from "../../flux/install";
import {
    fluxStatus,
    getObject,
    kubectl,
    readyCondition,
    waitUntil,
} from "../integration/helpers/kube";
import {
    env,
    loopbackStackConfig,
    publishFixtureRepo,
    withFastRetries,
} from "../integration/helpers/loopback";
import { freshCluster } from "./helpers/cluster";
import {
    controllerModule,
    crdsOf,
    deploymentOf,
    moduleDir,
    namespace,
    networkPolicy,
    pinned,
    serviceOf,
    writeManifest,
} from "./release-manifests";

const P = "flux-gitops";
const NS = "flux-system";
const IT = path.join(__dirname, "..", "integration");
const KUSTOMIZATIONS_CRD = "kustomizations.kustomize.toolkit.fluxcd.io";
const CONTROLLERS = ["source-controller", "kustomize-controller", "helm-controller"];
/** How many upgrades change every install object's labels (issue 20: at least 5). */
const LABEL_ROUNDS = Number(process.env.E2E_LABEL_ROUNDS ?? 5);

/** Sets the Kustomization CRD's status.storedVersions, as the API server's history would have. */
function setStoredVersions(versions: string[]): void {
    const patch = JSON.stringify({ status: { storedVersions: versions } });
    kubectl([
        "patch",
        "crd",
        KUSTOMIZATIONS_CRD,
        "--subresource=status",
        "--type=merge",
        "-p",
        patch,
    ]);
}

describe("Flux install options and upgrades against a real cluster", function () {
    this.timeout(20 * 60 * 1000);
    const dir = env("E2E_DIR");
    const secretKeys = new Set([
        `${P}:ageKey`,
        `${P}:gitSshIdentity`,
        `${P}:fluxRegistryCredentials`,
    ]);
    const manifests: Record<"options" | "previous" | "current", string> = {} as any;
    let base: Record<string, unknown>;
    let flux: ChildProcess | undefined;
    const output: string[] = [];

    async function stackFor(name: string, config: Record<string, unknown>): Promise<Stack> {
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: name, projectName: P, program: require("../../index") },
            {
                workDir: dir,
                envVars: { PULUMI_CONFIG_PASSPHRASE: env("PULUMI_CONFIG_PASSPHRASE") },
                secretsProvider: "passphrase",
            },
        );
        await configure(stack, config);
        return stack;
    }

    async function configure(stack: Stack, c: Record<string, unknown>): Promise<void> {
        await stack.setAllConfig(
            Object.fromEntries(
                Object.entries(c).map(([k, v]) => [
                    k,
                    {
                        value: typeof v === "string" ? v : JSON.stringify(v),
                        secret: secretKeys.has(k),
                    },
                ]),
            ),
        );
    }

    const withDeletionPolicy = (layers: unknown, layer: string, deletionPolicy: string) => {
        const all = layers as Record<string, Record<string, unknown>>;
        return { ...all, [layer]: { ...all[layer], deletionPolicy } };
    };
    /**
     * Whether `pulumi preview --expect-no-changes` passes, the first try; prints the diff when it
     * proposes changes.
     */
    async function noChanges(stack: Stack, when: string): Promise<boolean> {
        const shown: string[] = [];
        try {
            await stack.preview({
                expectNoChanges: true,
                diff: true,
                onOutput: (s) => shown.push(s),
            });
            return true;
        } catch {
            console.log(
                `      changes proposed ${when}:\n${shown.join("").replace(/^/gm, "        ")}`,
            );
            return false;
        }
    }

    const withFlux = (c: Record<string, unknown>, flux: Record<string, unknown>) => ({
        ...c,
        [`${P}:flux`]: { ...(c[`${P}:flux`] as object), ...flux },
    });

    before(async () => {
        freshCluster();
        const age = await import("age-encryption");
        const ageKey = await age.generateX25519Identity();
        const url = publishFixtureRepo(
            await age.identityToRecipient(ageKey),
            path.join(dir, "repo-install"),
        );
        // Manifest paths are set below; the loopback config needs one to start from.
        base = withFastRetries(loopbackStackConfig("prod", { url, manifest: "unset", ageKey }), {
            retryInterval: "5s",
            timeout: "1m",
            readinessTimeout: "3m",
        });
        const current = Object.fromEntries(CONTROLLERS.map((c) => [c, controllerModule(c)]));
        const previousSource = moduleDir(
            "source-controller",
            pinned("FLUX_PREVIOUS_SOURCE_CONTROLLER_VERSION"),
        );
        const previousKustomize = moduleDir(
            "kustomize-controller",
            pinned("FLUX_PREVIOUS_KUSTOMIZE_CONTROLLER_VERSION"),
        );
        const currentCrds = CONTROLLERS.flatMap((c) => crdsOf(current[c], c));
        manifests.current = writeManifest(path.join(dir, "flux-current.yaml"), [
            namespace(),
            ...currentCrds,
        ]);
        manifests.previous = writeManifest(path.join(dir, "flux-previous.yaml"), [
            namespace(),
            ...crdsOf(previousSource, "source-controller"),
            ...crdsOf(previousKustomize, "kustomize-controller"),
            // No older helm-controller module is served; its CRDs stay as pinned.
            ...crdsOf(current["helm-controller"], "helm-controller"),
        ]);
        manifests.options = writeManifest(path.join(dir, "flux-options.yaml"), [
            namespace(),
            ...currentCrds,
            ...CONTROLLERS.map((c) => deploymentOf(current[c], c)),
            // The release's three Services, which one informer of the provider watches together.
            serviceOf("source-controller", "source-controller"),
            serviceOf("notification-controller", "notification-controller"),
            serviceOf("webhook-receiver", "notification-controller"),
            networkPolicy(),
        ]);
    });

    after(async () => {
        if (flux !== undefined)
            execFileSync("bash", [path.join(IT, "flux", "down.sh")], { stdio: "inherit" });
    });

    /**
     * Deploys `earlier` (the install as an earlier version of this program declared it) as the
     * stack `name`, then the same objects through today's FluxInstall: the preview of the move
     * plans no create, delete or replace of any Kubernetes object, the `up` keeps every object
     * (same UID) and a preview after it proposes nothing. Returns the preview's non-same steps.
     */
    async function moveTo(
        name: string,
        earlier: () => Promise<void>,
        objects: KubeObject[],
    ): Promise<string[]> {
        const now = async () => {
            new FluxInstall("flux", {
                version: "v2.9.5",
                namespace: NS,
                keepOnDestroy: false,
                objects,
            });
        };
        const ws = {
            workDir: dir,
            envVars: { PULUMI_CONFIG_PASSPHRASE: env("PULUMI_CONFIG_PASSPHRASE") },
            secretsProvider: "passphrase",
        };
        const before = await LocalWorkspace.createOrSelectStack(
            { stackName: name, projectName: P, program: earlier },
            ws,
        );
        await before.up({ onOutput: (s) => output.push(s) });
        const uidOf = (o: KubeObject) =>
            getObject(o.kind, o.metadata.namespace ?? "", o.metadata.name)?.metadata.uid;
        const uids = objects.map(uidOf);
        expect(uids.every((u) => typeof u === "string")).to.equal(true);
        const after = await LocalWorkspace.createOrSelectStack(
            { stackName: name, projectName: P, program: now },
            ws,
        );
        // Every step the preview plans but `same`, by operation and type.
        const steps: string[] = [];
        const diff: string[] = [];
        const preview = await after.preview({
            diff: true,
            onOutput: (s) => diff.push(s),
            onEvent: (e) => {
                const m = e.resourcePreEvent?.metadata;
                if (m !== undefined && m.op !== "same") steps.push(`${m.op} ${m.type}`);
            },
        });
        console.log(
            `      ${name}: ${JSON.stringify(preview.changeSummary)} ${JSON.stringify(steps)}`,
        );
        console.log(diff.join("").replace(/^/gm, "        "));
        await after.up({ onOutput: (s) => output.push(s) });
        // No object re-created: CRDs and namespace included, each keeps its UID.
        expect(objects.map(uidOf)).to.deep.equal(uids);
        expect(await noChanges(after, `after the move of ${name}`)).to.equal(true);
        // The next test starts from an empty control plane rather than after `pulumi destroy`,
        // which is not what is tested here and once took minutes in CI waiting for the
        // namespace to be deleted.
        freshCluster();
        return steps;
    }

    /** The steps of a move that touch Kubernetes objects (provider resources are the engine's). */
    const objectSteps = (steps: string[]) =>
        steps.filter((s) => !s.split(" ")[1].startsWith("pulumi:providers:")).sort();

    it("a stack deployed with the earlier ConfigFile install moves to the built objects without re-creating any", async () => {
        // The install as earlier versions of this program declared it: the manifest as a ConfigFile.
        const earlier = async () => {
            const parent = new pulumi.ComponentResource(
                "flux-gitops:index:FluxInstall",
                "flux",
                {},
            );
            new k8s.yaml.v2.ConfigFile("flux", { file: manifests.current }, { parent });
        };
        const objects = parseManifest(fs.readFileSync(manifests.current, "utf8"));
        const steps = await moveTo("moved", earlier, objects);
        // Only the ConfigFile goes (it owns nothing in the cluster); no object moves.
        expect(objectSteps(steps)).to.deep.equal(["delete kubernetes:yaml/v2:ConfigFile"]);
    });

    it("a stack deployed with the ConfigGroup install moves to one resource per object without re-creating any", async () => {
        // Deployments, Services and a NetworkPolicy besides the namespace and CRDs; the
        // Deployments not awaited, since no pod runs here (as the install options test does).
        const objects = parseManifest(fs.readFileSync(manifests.options, "utf8")).map((o) =>
            o.kind === "Deployment"
                ? {
                      ...o,
                      metadata: {
                          ...o.metadata,
                          annotations: { "pulumi.com/skipAwait": "true" },
                      },
                  }
                : o,
        );
        expect(objects.map((o) => o.kind)).to.include.members(["Deployment", "Service"]);
        // The install as the versions before this one declared it (main up to aa5ec80): the
        // built objects, with the await's token, as one ConfigGroup named like the component.
        const grouped = async () => {
            const parent = new pulumi.ComponentResource(
                "flux-gitops:index:FluxInstall",
                "flux",
                {},
            );
            new k8s.yaml.v2.ConfigGroup(
                "flux",
                { objs: objects.map(withAppliedToken) },
                { parent, retainOnDelete: false },
            );
        };
        const steps = await moveTo("grouped", grouped, objects);
        // Only the ConfigGroup goes (it owns nothing in the cluster); no object moves.
        expect(objectSteps(steps)).to.deep.equal(["delete kubernetes:yaml/v2:ConfigGroup"]);
    });

    it("applies the install options to the objects, Deployments included, and reads them back", async () => {
        const config = {
            ...withFlux(base, {
                manifest: manifests.options,
                keepOnDestroy: false,
                registry: "registry.e2e.test/mirror/fluxcd",
                imagePullSecret: "flux-registry",
                logLevel: "debug",
                clusterDomain: "k8s.e2e.test",
                watchAllNamespaces: false,
                networkPolicy: false,
                multitenant: true,
                tolerations: [
                    { key: "dedicated", operator: "Equal", value: "flux", effect: "NoSchedule" },
                ],
                nodeSelector: { "node-role.e2e.test/flux": "true" },
                controllers: {
                    "kustomize-controller": { resources: { limits: { memory: "2Gi" } } },
                },
                patches: [
                    {
                        // No kubelet here: stand in for it by not awaiting the Deployments.
                        target: { kind: "Deployment" },
                        patch: 'metadata:\n  annotations:\n    pulumi.com/skipAwait: "true"\n',
                    },
                    {
                        target: { kind: "Deployment", name: "helm-controller" },
                        patch: "- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --concurrent=7\n",
                    },
                ],
            }),
            [`${P}:fluxRegistryCredentials`]: "robot:e2e-registry-token",
            [`${P}:readiness`]: { enabled: false },
            // keepOnDestroy false is refused while a layer is Orphan (its HelmReleases would go
            // with the CRDs): this stack's destroy removes the databases' objects too.
            [`${P}:layers`]: withDeletionPolicy(base[`${P}:layers`], "databases", "Delete"),
        };
        const stack = await stackFor("install-options", config);
        await stack.up({ onOutput: (s) => output.push(s) });

        for (const c of CONTROLLERS) {
            const d = getObject("deployment", NS, c);
            expect(d, c).to.not.equal(undefined);
            const pod = d.spec.template.spec;
            const manager = pod.containers.find((x: any) => x.name === "manager");
            expect(manager.image, c).to.equal(`registry.e2e.test/mirror/fluxcd/${c}`);
            expect(pod.imagePullSecrets).to.deep.equal([{ name: "flux-registry" }]);
            expect(pod.tolerations).to.deep.include({
                key: "dedicated",
                operator: "Equal",
                value: "flux",
                effect: "NoSchedule",
            });
            expect(pod.nodeSelector).to.deep.include({ "node-role.e2e.test/flux": "true" });
            expect(manager.args).to.include("--log-level=debug");
            expect(manager.args).to.include("--watch-all-namespaces=false");
            expect(d.metadata.annotations["pulumi.com/skipAwait"]).to.equal("true");
        }
        const args = (c: string) =>
            getObject("deployment", NS, c).spec.template.spec.containers[0].args as string[];
        expect(args("kustomize-controller")).to.include.members([
            "--no-cross-namespace-refs=true",
            "--no-remote-bases=true",
            "--default-service-account=default",
        ]);
        expect(args("helm-controller")).to.include.members([
            "--no-cross-namespace-refs=true",
            "--default-service-account=default",
            "--concurrent=7",
        ]);
        expect(args("source-controller")).to.include(
            "--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.k8s.e2e.test.",
        );
        expect(
            getObject("deployment", NS, "kustomize-controller").spec.template.spec.containers[0]
                .resources.limits.memory,
        ).to.equal("2Gi");
        expect(getObject("networkpolicy", NS, "allow-scraping")).to.equal(undefined);
        const pull = getObject("secret", NS, "flux-registry");
        expect(pull.type).to.equal("kubernetes.io/dockerconfigjson");
        const auths = JSON.parse(
            Buffer.from(pull.data[".dockerconfigjson"], "base64").toString(),
        ).auths;
        expect(auths["registry.e2e.test"].username).to.equal("robot");
        // The layers run as kustomize-controller under the lockdown.
        expect(getObject("kustomization", NS, "infrastructure").spec.serviceAccountName).to.equal(
            "kustomize-controller",
        );
        expect(output.join("")).to.not.contain("e2e-registry-token");
        const missed: string[] = [];
        if (!(await noChanges(stack, "after the first up"))) missed.push("first up");

        // Upgrades that change every object's labels and nothing else.
        const patches = (config[`${P}:flux`] as { patches: unknown[] }).patches;
        for (let round = 1; round <= LABEL_ROUNDS; round++) {
            const label = {
                target: { name: ".+" },
                patch: `metadata:\n  labels:\n    e2e.test/round: "${round}"\n`,
            };
            await configure(stack, withFlux(config, { patches: [...patches, label] }));
            await stack.up({ onOutput: (s) => output.push(s) });
            for (const [kind, ns, name] of [
                ["namespace", "", NS],
                ["crd", "", KUSTOMIZATIONS_CRD],
                ["deployment", NS, "helm-controller"],
                ["service", NS, "source-controller"],
            ]) {
                const labels = getObject(kind, ns, name).metadata.labels;
                expect(labels["e2e.test/round"], `${kind} ${name}`).to.equal(String(round));
            }
            if (!(await noChanges(stack, `after label round ${round}`))) {
                missed.push(`label round ${round}`);
            }
        }
        const rounds = missed.filter((m) => m.startsWith("label")).length;
        console.log(
            `      first-try no-change previews: after the first up ${missed.includes("first up") ? 0 : 1}/1, ` +
                `after a label change on every object ${LABEL_ROUNDS - rounds}/${LABEL_ROUNDS}`,
        );
        expect(missed, "previews that proposed changes").to.deep.equal([]);

        await stack.destroy({ onOutput: (s) => output.push(s) });
        expect(getObject("deployment", NS, "source-controller")).to.equal(undefined);
        await waitUntil(
            "the Flux namespace gone",
            () => (getObject("namespace", "", NS) === undefined ? true : undefined),
            120 * 1000,
        );
        await waitUntil(
            "the install's CRDs gone",
            () =>
                kubectl(["get", "crd", "-o", "name"]).includes("toolkit.fluxcd.io")
                    ? undefined
                    : true,
            120 * 1000,
        );
    });

    let upgrade: Stack;
    const uids = new Map<string, string>();
    const fluxObjects = () =>
        JSON.parse(
            kubectl(["get", "gitrepositories,kustomizations,helmreleases", "-A", "-o", "json"]),
        ).items as any[];

    it("refuses to upgrade while a CRD stores a version the new release no longer serves", async () => {
        upgrade = await stackFor("upgrade", withFlux(base, { manifest: manifests.previous }));
        flux = spawn("bash", [path.join(IT, "flux", "up.sh")], {
            env: { ...process.env, FLUX_CRDS_FROM_CLUSTER: "1" },
            stdio: "inherit",
        });
        await upgrade.up({ onOutput: (s) => output.push(s) });
        const objects = fluxObjects();
        expect(objects.length).to.be.at.least(8);
        for (const o of objects) {
            expect(readyCondition(o)?.status, `${o.kind}/${o.metadata.name}`).to.equal("True");
            uids.set(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o.metadata.uid);
        }
        const served = (crd: any) =>
            crd.spec.versions.filter((v: any) => v.served).map((v: any) => v.name);
        expect(served(getObject("crd", "", KUSTOMIZATIONS_CRD))).to.include("v1beta2");

        // A cluster whose Kustomizations were once stored as v1beta2 (as before Flux made v1 the storage).
        setStoredVersions(["v1beta2", "v1"]);
        await configure(upgrade, withFlux(base, { manifest: manifests.current }));
        let refused: Error | undefined;
        try {
            await upgrade.preview({ onOutput: (s) => output.push(s) });
        } catch (e) {
            refused = e as Error;
        }
        expect(refused, "the preview was refused").to.not.equal(undefined);
        expect(refused!.message).to.contain(
            `${KUSTOMIZATIONS_CRD}: status.storedVersions lists v1beta2; v2.9.5 serves v1`,
        );
        expect(refused!.message).to.contain("`flux migrate`");
        // Nothing changed: the live CRD still serves v1beta2.
        expect(served(getObject("crd", "", KUSTOMIZATIONS_CRD))).to.include("v1beta2");
    });

    it("once migrated, upgrades in place: every Flux object still there, same UID, Ready", async () => {
        // What `flux migrate` ends with, once every object is rewritten in the storage version v1.
        setStoredVersions(["v1"]);
        const preview = await upgrade.preview({ onOutput: (s) => output.push(s), diff: true });
        console.log(`      upgrade preview: ${JSON.stringify(preview.changeSummary)}`);
        expect(preview.changeSummary.delete ?? 0).to.equal(0);
        expect(preview.changeSummary.replace ?? 0).to.equal(0);
        expect(preview.changeSummary["create-replacement"] ?? 0).to.equal(0);
        expect(preview.changeSummary.update ?? 0).to.be.at.least(2);
        const up = await upgrade.up({ onOutput: (s) => output.push(s) });
        expect(up.summary.resourceChanges?.delete ?? 0).to.equal(0);
        expect(up.summary.resourceChanges?.replace ?? 0).to.equal(0);
        const served = getObject("crd", "", KUSTOMIZATIONS_CRD).spec.versions.filter(
            (v: any) => v.served,
        );
        expect(served.map((v: any) => v.name)).to.deep.equal(["v1"]);
        await waitUntil(
            "every Flux object Ready after the upgrade",
            () =>
                fluxObjects().every((o) => readyCondition(o)?.status === "True") ? true : undefined,
            3 * 60 * 1000,
            () => fluxStatus(NS),
        );
        const after = new Map(
            fluxObjects().map((o) => [
                `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`,
                o.metadata.uid,
            ]),
        );
        expect(after).to.deep.equal(uids);
    });
});
