/**
 * Takeover of a cluster laid out like the seed's origin repository (issue 18), through
 * `npm run takeover` and the real pulumi CLI: the bootstrap in gitops/flux-system/, the root
 * Kustomization syncing ./gitops (prune: true) with no kustomization.yaml there, so
 * kustomize-controller generates one listing every folder that holds a kustomization.yaml:
 * flux-system/, the layers' own folders (the root applies their objects too) and
 * gitops/apps/monitoring/, which only the root applies. The takeover must refuse to leave that
 * folder unreconciled, accept once a layer of the stack covers it, and lose nothing. The
 * generated kustomization records no object's file, so the first refusal cannot name the folder;
 * the root is then made to record it (docs/takeover.md, "Where the folder comes from"), the
 * refusal names it, and a layer in the stack's config covers it.
 *
 * The install is the release's own, built at test time from the Go modules (see
 * releaseWithoutWorkloads): the namespace, every CRD of the four default controllers, their
 * ServiceAccounts and Services, the ClusterRoles and bindings, the NetworkPolicies and the
 * ResourceQuota. What needs a kubelet is stood in for: the controllers' Deployments are left
 * out, and Flux's controllers run as local processes (tests/integration/flux/up.sh) started
 * once the CRDs exist, as the Deployments' pods would be; the Services keep their selectors and
 * select no pod; the ResourceQuota gets its status from kube-controller-manager's resourcequota
 * controller, as in a real cluster. run.sh sets up the toolchain, the cluster and the Git server.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_COMPONENTS } from "../../../flux/install/select";
import { getObject, kubectl, readyCondition, waitUntil } from "../../integration/helpers/kube";
import { env } from "../../integration/helpers/loopback";
import { LAYERS, NS, freshCluster, waitAllReady } from "../helpers/cluster";
import { ProjectCopy } from "../helpers/pulumi-cli";
import {
    ORIGIN_FLUX_FOLDER,
    buildOriginRepo,
    headCommit,
    recordOrigins,
    removeFluxFolder,
} from "../helpers/seed-repo";
import {
    OWNER_LABEL,
    Recorded,
    ageKeyFile,
    applyCommit,
    bootstrapLikeFlux,
    configureStack,
    createdLines,
    helmRevisions,
    inventories,
    lifecycleLines,
    listedUnder,
    recordApplied,
    takeOverWatched,
    uidsChanged,
} from "../helpers/takeover";
import { releaseWithoutWorkloads, writeManifest } from "../release-manifests";

const ROOT_ONLY_FOLDER = "gitops/apps/monitoring";
const MONITORING = "kube-prometheus-stack";
/** What only the root applies: a namespace and a release of the fixture's chart. */
const ROOT_ONLY_FILES = {
    "namespace.yaml": [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "monitoring" } }],
    [`${MONITORING}.yaml`]: [
        {
            apiVersion: "helm.toolkit.fluxcd.io/v2",
            kind: "HelmRelease",
            metadata: { name: MONITORING, namespace: "monitoring" },
            spec: {
                interval: "10m",
                timeout: "1m",
                chart: {
                    spec: {
                        chart: "./charts/tiny",
                        reconcileStrategy: "ChartVersion",
                        sourceRef: { kind: "GitRepository", name: NS, namespace: NS },
                    },
                },
                values: { settings: { component: "monitoring" } },
            },
        },
    ],
};
/** The same objects as Flux's inventory ids (`<namespace>_<name>_<group>_<kind>`). */
const ROOT_ONLY_IDS = [
    "_monitoring__Namespace",
    `monitoring_${MONITORING}_helm.toolkit.fluxcd.io_HelmRelease`,
];

/** An inventory id as the takeover names objects: `Kind namespace/name`, `Kind name`. */
function described(id: string): string {
    const parts = id.split("_");
    const kind = parts.pop()!;
    parts.pop();
    const namespace = parts.shift()!;
    return `${kind} ${namespace === "" ? "" : `${namespace}/`}${parts.join("_")}`;
}

describe("takeover of the origin layout: generated root kustomization, a folder only the root applies", function () {
    this.timeout(15 * 60 * 1000);
    const dir = env("E2E_DIR");
    const stack = "--stack prod";
    const suiteStart = Date.now();
    let project: ProjectCopy;
    let repo: string;
    let install: any[];
    let recorded: Map<string, Recorded>;
    let helmBefore: Record<string, number>;
    /** Kept by a layer: `Kind ns/name: Kustomization flux-system/<layer>`, from Flux's inventories. */
    let keptExpected: string[];
    const figures: string[] = [];

    before(async () => {
        freshCluster();
        const age = await import("age-encryption");
        const ageKey = await age.generateX25519Identity();
        const recipient = await age.identityToRecipient(ageKey);
        install = releaseWithoutWorkloads(DEFAULT_COMPONENTS);
        const components = writeManifest(path.join(dir, "origin-components.yaml"), install);
        repo = path.join(dir, "origin-repo");
        const url = buildOriginRepo(recipient, repo, fs.readFileSync(components, "utf8"), {
            folder: ROOT_ONLY_FOLDER,
            files: ROOT_ONLY_FILES,
        });
        // Its own backend: the other suites' stacks are called prod too.
        project = ProjectCopy.create(path.join(dir, "origin-project"), {
            PULUMI_BACKEND_URL: `file://${path.join(dir, "origin-state")}`,
        });
        fs.mkdirSync(path.join(dir, "origin-state"), { recursive: true });
        const keyFile = project.writeFile("age.agekey", ageKeyFile(ageKey, recipient));
        const t0 = Date.now();
        await bootstrapLikeFlux(
            components,
            path.join(repo, ORIGIN_FLUX_FOLDER, "gotk-sync.yaml"),
            keyFile,
        );
        await waitUntil(
            `HelmRelease monitoring/${MONITORING} installed by the root`,
            () =>
                readyCondition(getObject("helmrelease", "monitoring", MONITORING))?.status ===
                "True"
                    ? true
                    : undefined,
            120_000,
        );
        const bootSeconds = (Date.now() - t0) / 1000;

        // The layout is what the suite means it to be, read from Flux's own inventories: the
        // root applied the layers' objects too, and, besides its own folder, only the
        // monitoring folder's objects.
        const inv = inventories();
        const ids = (name: string) => (inv.get(name) ?? []).map((e) => e.id);
        const rootIds = ids(NS);
        const byLayer = new Map(LAYERS.map((l) => [l, ids(l)]));
        const layerIds = new Set([...byLayer.values()].flat());
        const fluxFolder = new Set([
            ...install.map(
                (o) =>
                    `${o.metadata.namespace ?? ""}_${o.metadata.name}_${o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : ""}_${o.kind}`,
            ),
            `${NS}_${NS}_source.toolkit.fluxcd.io_GitRepository`,
            ...[NS, ...LAYERS].map((k) => `${NS}_${k}_kustomize.toolkit.fluxcd.io_Kustomization`),
        ]);
        expect(
            rootIds.filter((id) => !layerIds.has(id) && !fluxFolder.has(id)).sort(),
            "objects only the root applies, besides gitops/flux-system",
        ).to.deep.equal([...ROOT_ONLY_IDS].sort());
        expect([...fluxFolder].filter((id) => !rootIds.includes(id))).to.deep.equal([]);
        keptExpected = rootIds
            .filter((id) => layerIds.has(id))
            .map(
                (id) =>
                    `${described(id)}: ${LAYERS.filter((l) => byLayer.get(l)!.includes(id))
                        .map((l) => `Kustomization ${NS}/${l}`)
                        .join(", ")}`,
            );
        expect(keptExpected.length, "the root applied the layers' objects").to.be.greaterThan(0);

        recorded = recordApplied();
        helmBefore = helmRevisions();
        expect(helmBefore[`monitoring/${MONITORING}`], "monitoring's Helm revision").to.equal(1);
        console.log(
            `      origin cluster in ${bootSeconds.toFixed(1)}s: root inventory ${rootIds.length} objects ` +
                `(install ${install.length}), ${recorded.size} objects applied by Flux in all, ` +
                `Helm revisions ${JSON.stringify(helmBefore)}`,
        );
        await configureStack(project, url, components);
    });

    /** The plan's refusal of what only the root applies: the objects it names, where from. */
    function rootOnlyRefusal(output: string) {
        const refusal = output.split("\n").find((l) => l.includes("applied only by the root"));
        expect(refusal, "the refusal").to.be.a("string");
        const named =
            /^ {2}- (.*) \((from .*?)\) are applied only by the root Kustomization flux-system\/flux-system/.exec(
                refusal!,
            );
        expect(named, refusal).to.not.equal(null);
        expect(named![1].split(", ").sort()).to.deep.equal(ROOT_ONLY_IDS.map(described).sort());
        return { text: refusal!, from: named![2], count: named![1].split(", ").length };
    }

    /** The plan, refused: exit status 2, one problem, the root untouched, the kept objects listed. */
    async function refusedPlan() {
        const root = getObject("kustomization", NS, NS).metadata.resourceVersion;
        const r = await project.run(`npm run --silent takeover -- ${stack}`, {
            allowFailure: true,
        });
        console.log(r.output.replace(/^/gm, "        "));
        expect(r.code, "exit status").to.equal(2);
        expect(r.output).to.contain("Refusing to take over (1 problem); nothing was changed:");
        // Issue 18's first finding: the layers' objects are not reported as abandoned.
        expect(r.output).not.to.contain("no longer managed by anyone");
        const kept = listedUnder(r.output, "Kept, and reconciled by the layer");
        expect(kept.sort()).to.deep.equal([...keptExpected].sort());
        expect(getObject("kustomization", NS, NS).metadata.resourceVersion).to.equal(root);
        expect(uidsChanged(recorded)).to.deep.equal([]);
        return { ...rootOnlyRefusal(r.output), kept: kept.length };
    }

    it("refuses what only the root applies, though the generated kustomization records no folder: says how to have it recorded", async () => {
        const refused = await refusedPlan();
        // kustomize drops the origin annotation unless the build's top kustomization asks for
        // it, and the generated one for ./gitops does not.
        expect(refused.from).to.equal("from a folder under ./gitops");
        expect(refused.text).to.contain(
            "set buildMetadata: [originAnnotations] in the spec of the root Kustomization flux-system/flux-system in Git",
        );
        expect(refused.text).to.contain("--leave-unreconciled");
        figures.push(`kept by a layer ${refused.kept}, root-only (refused) ${refused.count}`);
    });

    it("once the root records each object's file, the refusal names the folder and the layer that covers it", async () => {
        recordOrigins(repo);
        const { problems } = await applyCommit(headCommit(repo), [NS, ...LAYERS]);
        expect(problems, "root and layers applying the commit").to.deep.equal([]);
        const ns = getObject("namespace", "", "monitoring");
        expect(ns.metadata.annotations?.["config.kubernetes.io/origin"]).to.contain(
            "path: apps/monitoring/namespace.yaml",
        );
        expect(helmRevisions(), "an annotation upgrades no release").to.deep.equal(helmBefore);
        const refused = await refusedPlan();
        expect(refused.from).to.equal(`from ./${ROOT_ONLY_FOLDER}`);
        expect(refused.text).to.contain(
            `flux-gitops:layers.monitoring: {path: ./${ROOT_ONLY_FOLDER}, dependsOn: [apps]}`,
        );
    });

    it("accepts once the stack has a layer for the folder, listing its objects as covered", async () => {
        await project.runAll([
            `pulumi config set --path layers.monitoring.path ./${ROOT_ONLY_FOLDER}`,
            "pulumi config set --path 'layers.monitoring.dependsOn[0]' apps",
        ]);
        const r = await project.run(`npm run --silent takeover -- ${stack}`);
        console.log(r.output.replace(/^/gm, "        "));
        expect(r.output).not.to.contain("Refusing");
        const covered = listedUnder(r.output, "Applied only by the root, from a folder a layer");
        expect(covered.sort()).to.deep.equal(
            ROOT_ONLY_IDS.map(
                (id) => `${described(id)}: ./${ROOT_ONLY_FOLDER}, layer monitoring`,
            ).sort(),
        );
        expect(listedUnder(r.output, "Not in the cluster yet")).to.deep.equal([
            `Kustomization ${NS}/monitoring`,
        ]);
        expect(listedUnder(r.output, "Kept, and reconciled by the layer").sort()).to.deep.equal(
            [...keptExpected].sort(),
        );
        expect(r.output).to.contain("Nothing was changed.");
        figures.push(`covered after the config change ${covered.length}`);
    });

    it("takes over: every install object imported, nothing recreated, no Helm upgrade, layers Ready throughout", async () => {
        const watchedRun = await takeOverWatched(project, stack, LAYERS);
        const { result: run, problems, progressing, polls, seconds } = watchedRun;
        // The root is the one object meant to go (checked below); the later checks skip it.
        recorded.delete(`${NS}_${NS}_kustomize.toolkit.fluxcd.io_Kustomization`);
        console.log(run.t.output.replace(/^/gm, "        "));
        figures.push(
            `takeover --yes ${run.t.seconds.toFixed(1)}s, preview ${run.preview.seconds.toFixed(1)}s, ` +
                `up ${run.up.seconds.toFixed(1)}s (${seconds.toFixed(1)}s in all; ${polls} layer polls, ` +
                `${progressing} Progressing)`,
        );
        console.log(`      ${figures.at(-1)}`);
        expect(problems, "layers not Ready during the takeover").to.deep.equal([]);

        // The install as built, the GitRepository, the two Secrets and the three layers.
        const listed = Number(/Listed the (\d+) objects to adopt/.exec(run.t.output)?.[1]);
        expect(listed, "objects listed").to.equal(install.length + 6);
        expect(listedUnder(run.t.output, "Will adopt").length).to.equal(listed);
        const newLayer = /kustomize\.toolkit\.fluxcd\.io\/v1:Kustomization layers-monitoring /;
        for (const [what, out] of [
            ["preview", run.preview.output],
            ["up", run.up.output],
        ]) {
            expect(out, what).to.match(new RegExp(`${listed} to import`));
            // Which objects are created: `up` prints each step's progress on lines of its own.
            const created = new Set(
                createdLines(out).map((l) => /kubernetes:(\S+ \S+)/.exec(l)?.[1]),
            );
            expect([...created], what).to.deep.equal([
                "kustomize.toolkit.fluxcd.io/v1:Kustomization layers-monitoring",
            ]);
        }
        expect(run.up.output).to.match(new RegExp(`${listed} imported`));
        expect(lifecycleLines(run.up.output).filter((l) => !newLayer.test(l))).to.deep.equal([]);
        expect(getObject("kustomization", NS, NS), "root Kustomization").to.equal(undefined);
        expect(uidsChanged(recorded)).to.deep.equal([]);
        expect(helmRevisions()).to.deep.equal(helmBefore);

        // The new layer applied the folder: its objects are in its inventory and labelled as its.
        const layer = getObject("kustomization", NS, "monitoring");
        expect(readyCondition(layer)?.status, "monitoring Ready").to.equal("True");
        const applied = (layer.status.inventory.entries as { id: string }[]).map((e) => e.id);
        expect(applied.sort()).to.deep.equal([...ROOT_ONLY_IDS].sort());
        for (const [kind, ns, name] of [
            ["namespace", "", "monitoring"],
            ["helmrelease", "monitoring", MONITORING],
        ]) {
            const o = getObject(kind, ns, name);
            expect(o.metadata.labels?.[OWNER_LABEL], `${kind} ${name}`).to.equal("monitoring");
        }
        const quota = getObject("resourcequota", NS, `critical-pods-${NS}`);
        // Issue 18's third finding: the quota has the status a real cluster gives it (the
        // resourcequota controller counts the pods: none run here).
        expect(quota.status?.used, "quota status from kube-controller-manager").to.deep.equal({
            pods: "0",
        });
    });

    it("a following pulumi preview --expect-no-changes passes", async () => {
        const r = await project.run(`pulumi preview ${stack} --expect-no-changes --diff`);
        figures.push(`no-change preview ${r.seconds.toFixed(1)}s`);
    });

    it("removing gitops/flux-system from Git changes nothing; every layer keeps reconciling its objects", async () => {
        removeFluxFolder(repo, ORIGIN_FLUX_FOLDER);
        const { problems, progressing } = await applyCommit(headCommit(repo), [
            ...LAYERS,
            "monitoring",
        ]);
        console.log(
            `      after the folder's removal: ${progressing} transient waits (Progressing, DependencyNotReady)`,
        );
        expect(problems).to.deep.equal([]);
        await waitAllReady("layers Ready at the new commit", 120_000);
        expect(uidsChanged(recorded)).to.deep.equal([]);
        expect(helmRevisions()).to.deep.equal(helmBefore);
        // What the root applied as well is its layer's again: the layer's label, so its prune
        // and drift correction cover it.
        for (const k of keptExpected) {
            const [what, by] = k.split(": ");
            const [kind, ref] = what.split(" ");
            const [ns, name] = ref.includes("/") ? ref.split("/") : ["", ref];
            const o = JSON.parse(
                kubectl(["get", kind, name, ...(ns === "" ? [] : ["-n", ns]), "-o", "json"]),
            );
            expect(
                `${kind} ${ref}: Kustomization ${NS}/${o.metadata.labels?.[OWNER_LABEL]}`,
            ).to.equal(`${kind} ${ref}: ${by}`);
        }
        await project.run(`pulumi preview ${stack} --expect-no-changes --diff`);
    });

    after(() => {
        console.log(
            `      measured: ${figures.join("; ")}; suite ${((Date.now() - suiteStart) / 1000).toFixed(0)}s`,
        );
    });
});
