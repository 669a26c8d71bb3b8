import { expect } from "chai";
import {
    buildInstallObjects,
    droppedCrdRefusal,
    droppedCrdsWithObjects,
    KubeObject,
    servedVersions,
    storedVersionConflicts,
    storedVersionRefusal,
} from "../../flux/install";
import { installChanges } from "../helpers/install-changes";
import { UpgradeRefusedError } from "../../prepare/upgrade-check";
import { P, stackWithSecrets, withValue } from "../helpers/fixtures";
import { crd, syntheticInstallManifest, syntheticInstallObjects } from "../helpers/flux-manifest";
import { runFailingProgram, runProgram } from "../helpers/mocks";

const GITREPOS = "gitrepositories.source.toolkit.fluxcd.io";
const KUSTOMIZATIONS = "kustomizations.kustomize.toolkit.fluxcd.io";

/**
 * The synthetic release one minor earlier: other version labels and image
 * tags, and a GitRepository CRD that still serves v1beta1 (which the current
 * one dropped).
 */
function previousMinor(): Record<string, any>[] {
    const objs = syntheticInstallObjects().map((o) =>
        JSON.parse(JSON.stringify(o).split("v2.9.5").join("v2.8.6").split(":v1.").join(":v0.")),
    );
    objs[0] = crd(
        "source-controller",
        "source.toolkit.fluxcd.io",
        "gitrepositories",
        "GitRepository",
        [
            { name: "v1", served: true, storage: true },
            { name: "v1beta2", served: true, storage: false },
            { name: "v1beta1", served: true, storage: false },
        ],
    );
    objs[0].metadata.labels["app.kubernetes.io/version"] = "v2.8.6";
    return objs;
}

const build = (objs: Record<string, any>[], options = {}) =>
    buildInstallObjects(syntheticInstallManifest(objs), options);

describe("upgrades: stored versions", () => {
    const next = build(syntheticInstallObjects()) as KubeObject[];

    it("reads the served versions from the new manifest", () => {
        const gitrepos = next.find((o) => o.metadata.name === GITREPOS)!;
        expect(servedVersions(gitrepos)).to.deep.equal(["v1", "v1beta2"]);
    });

    it("finds a live CRD that still stores a version the new one does not serve", () => {
        const conflicts = storedVersionConflicts(
            [
                { name: GITREPOS, storedVersions: ["v1beta1", "v1"] },
                { name: KUSTOMIZATIONS, storedVersions: ["v1"] },
            ],
            next,
        );
        expect(conflicts).to.deep.equal([
            { crd: GITREPOS, unserved: ["v1beta1"], served: ["v1", "v1beta2"] },
        ]);
    });

    it("passes a fresh cluster, migrated CRDs and CRDs the install does not hold", () => {
        expect(storedVersionConflicts([], next)).to.deep.equal([]);
        expect(
            storedVersionConflicts([{ name: GITREPOS, storedVersions: ["v1", "v1beta2"] }], next),
        ).to.deep.equal([]);
        expect(
            storedVersionConflicts(
                [{ name: "buckets.source.toolkit.fluxcd.io", storedVersions: ["v1beta1"] }],
                next,
            ),
        ).to.deep.equal([]);
    });

    it("says which CRD, which versions and what to run", () => {
        const text = storedVersionRefusal("v2.9.5", [
            { crd: GITREPOS, unserved: ["v1beta1"], served: ["v1", "v1beta2"] },
        ]);
        expect(text.split("\n")).to.deep.equal([
            "Refusing to install Flux v2.9.5: objects in the cluster are still stored in API versions it no longer serves:",
            `  - ${GITREPOS}: status.storedVersions lists v1beta1; v2.9.5 serves v1, v1beta2`,
            "Run `flux migrate` (Flux CLI of the installed release or of v2.9.5) against this cluster: it rewrites every Flux object in the CRD's storage version and removes the old versions from status.storedVersions. Then run the preview again. Nothing was changed.",
        ]);
    });
});

describe("upgrades: what an install change does to each object", () => {
    it("a new flux.version updates every changed object in place: nothing created, deleted or replaced", () => {
        const c = installChanges(build(previousMinor()), build(syntheticInstallObjects()));
        expect(c.create).to.deep.equal([]);
        expect(c.delete).to.deep.equal([]);
        expect(c.replace).to.deep.equal([]);
        expect(c.update).to.include(`apiextensions.k8s.io/v1:CustomResourceDefinition:${GITREPOS}`);
        expect(c.update).to.include(
            `apiextensions.k8s.io/v1:CustomResourceDefinition:${KUSTOMIZATIONS}`,
        );
        expect(c.update).to.include("apps/v1:Deployment:flux-system/source-controller");
        expect(c.unchanged).to.deep.equal([]);
    });

    it("install options update in place too", () => {
        const before = build(syntheticInstallObjects());
        const after = build(syntheticInstallObjects(), {
            registry: "mirror.example/flux",
            logLevel: "debug",
            multitenant: true,
            nodeSelector: { pool: "infra" },
        });
        const c = installChanges(before, after);
        expect(c.replace).to.deep.equal([]);
        expect(c.delete).to.deep.equal([]);
        expect(c.update).to.have.length(4);
    });

    it("dropping a component deletes its objects, CRDs included", () => {
        const c = installChanges(
            build(syntheticInstallObjects()),
            build(syntheticInstallObjects(), {
                components: [
                    "source-controller",
                    "kustomize-controller",
                    "notification-controller",
                ],
            }),
        );
        expect(c.delete).to.deep.equal([
            "v1:ServiceAccount:flux-system/helm-controller",
            "apps/v1:Deployment:flux-system/helm-controller",
        ]);
        const withCrds = installChanges(
            build(syntheticInstallObjects(), {
                components: [
                    "source-controller",
                    "kustomize-controller",
                    "image-reflector-controller",
                ],
            }),
            build(syntheticInstallObjects(), {
                components: ["source-controller", "kustomize-controller"],
            }),
        );
        expect(withCrds.delete).to.include(
            "apiextensions.k8s.io/v1:CustomResourceDefinition:imagepolicies.image.toolkit.fluxcd.io",
        );
    });

    it("a patch to a Deployment's selector replaces it", () => {
        const c = installChanges(
            build(syntheticInstallObjects()),
            build(syntheticInstallObjects(), {
                patches: [
                    {
                        target: { kind: "Deployment", name: "helm-controller" },
                        patch: "spec:\n  selector:\n    matchLabels:\n      tier: flux\n",
                    },
                ],
            }),
        );
        expect(c.replace).to.deep.equal(["apps/v1:Deployment:flux-system/helm-controller"]);
    });
});

describe("upgrades: the program refuses before declaring anything", () => {
    let base: { config: Record<string, unknown>; secretKeys: string[] };
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    it("when a live CRD still stores a version the release no longer serves", async () => {
        const run = await runFailingProgram(base.config, base.secretKeys, {
            liveCrds: [{ name: GITREPOS, storedVersions: ["v1beta1", "v1"] }],
        });
        expect(run.error).to.be.instanceOf(UpgradeRefusedError);
        expect((run.error as Error).message).to.contain("`flux migrate`");
        expect((run.error as Error).message).to.contain(
            `${GITREPOS}: status.storedVersions lists v1beta1`,
        );
        expect(run.resources).to.deep.equal([]);
    });

    it("without naming the release when flux-gitops:flux is stored as a secret", async () => {
        const run = await runFailingProgram(base.config, [...base.secretKeys, `${P}:flux`], {
            liveCrds: [{ name: GITREPOS, storedVersions: ["v1beta1", "v1"] }],
        });
        const message = (run.error as Error).message;
        expect(message).to.contain(
            "Refusing to install the Flux release of flux-gitops:flux (stored as a secret, so not shown)",
        );
        expect(message).to.contain("`flux migrate`");
        expect(message).not.to.contain("v2.9");
        expect(run.resources).to.deep.equal([]);
    });

    it("and goes ahead once the CRDs are migrated", async () => {
        const run = await runProgram(base.config, base.secretKeys, {
            liveCrds: [{ name: GITREPOS, storedVersions: ["v1"] }],
        });
        expect(run.resources.length).to.be.greaterThan(0);
    });
});

describe("upgrades: Flux CRDs that leave the install", () => {
    const IMAGEPOLICIES = "imagepolicies.image.toolkit.fluxcd.io";
    const next = build(syntheticInstallObjects()) as KubeObject[];

    it("finds a live Flux CRD the install no longer holds that still has objects", () => {
        expect(
            droppedCrdsWithObjects(
                [
                    { name: IMAGEPOLICIES, storedVersions: ["v1"], objects: 3 },
                    {
                        name: "buckets.source.toolkit.fluxcd.io",
                        storedVersions: ["v1"],
                        objects: 0,
                    },
                    { name: GITREPOS, storedVersions: ["v1"], objects: 5 },
                ],
                next,
            ),
        ).to.deep.equal([{ crd: IMAGEPOLICIES, objects: 3 }]);
    });

    it("says how many objects would go and the ways out", () => {
        expect(droppedCrdRefusal([{ crd: IMAGEPOLICIES, objects: 1 }]).split("\n")).to.deep.equal([
            "Refusing to remove Flux CRDs that still hold objects (deleting a CRD deletes every object of its kind):",
            `  - ${IMAGEPOLICIES}: 1 object`,
            "Delete those objects first if they are no longer wanted, keep the component in `flux-gitops:flux.components`, or set `flux-gitops:flux.keepOnDestroy: true` so the CRDs stay in the cluster. Nothing was changed.",
        ]);
    });

    it("the program refuses it only when the CRD would really be deleted", async () => {
        const dev = await stackWithSecrets("dev");
        const live = [{ name: IMAGEPOLICIES, storedVersions: ["v1"], objects: 2 }];
        const refused = await runFailingProgram(dev.config, dev.secretKeys, { liveCrds: live });
        expect(refused.error).to.be.instanceOf(UpgradeRefusedError);
        expect((refused.error as Error).message).to.contain(`${IMAGEPOLICIES}: 2 objects`);
        expect(refused.resources).to.deep.equal([]);
        // Kept on destroy, the CRD stays in the cluster with its objects.
        const kept = withValue(dev.config, "flux", ["keepOnDestroy"], true);
        const run = await runProgram(kept, dev.secretKeys, { liveCrds: live });
        expect(run.resources.length).to.be.greaterThan(0);
        // An empty CRD loses nothing.
        const empty = [{ ...live[0], objects: 0 }];
        const emptyRun = await runProgram(dev.config, dev.secretKeys, { liveCrds: empty });
        expect(emptyRun.resources.length).to.be.greaterThan(0);
    });
});
