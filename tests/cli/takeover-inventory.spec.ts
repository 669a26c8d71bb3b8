/**
 * The takeover of the origin layout (issue 18): what the root applied besides the stack's own
 * objects is kept by the layer that applies it too, covered by a layer of the stack, or refused
 * as left unreconciled unless --leave-unreconciled accepts it.
 */
import { expect } from "chai";
import { desiredState, Desired } from "../../cli/takeover/desired";
import { originFolder } from "../../cli/takeover/inventory";
import { describeRef, KubeObject } from "../../cli/takeover/kube";
import { neutralise } from "../../cli/takeover/neutralise";
import { planTakeover } from "../../cli/takeover/plan";
import { formatPlan } from "../../cli/takeover/report";
import { buildInstall } from "../../prepare/install";
import { parseStackConfig } from "../../stacks";
import { FakeCluster } from "../helpers/fake-cluster";
import { P, stackWithSecrets, withValue } from "../helpers/fixtures";
import { KNOWN_HOSTS } from "../helpers/keys";
import { rawConfig } from "../helpers/raw";
import { originCluster, OriginOptions } from "../helpers/origin-cluster";

const URL = "ssh://git@github.com/acme-platform/cluster-gitops.git";

/** The lines of a section of the printed plan: its header and the indented lines under it. */
function section(printed: string, header: string): string[] {
    const lines = printed.split("\n");
    const start = lines.findIndex((l) => l.startsWith(header));
    if (start < 0) return [];
    const end = lines.findIndex((l, i) => i > start && !l.startsWith("  ") && !l.startsWith("a "));
    return lines.slice(start, end < 0 ? undefined : end);
}

describe("takeover of the origin layout: what only the root applied (fake cluster)", () => {
    let config: Record<string, unknown>;
    let secretKeys: string[];
    let ageKey: string;
    let sshIdentity: string;
    let install: KubeObject[];
    let want: Desired;

    const desired = async (c: Record<string, unknown>) => {
        const parsed = await parseStackConfig(rawConfig(c, secretKeys));
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        return desiredState(parsed.config, install);
    };
    const cluster = (o: Partial<OriginOptions> = {}) =>
        new FakeCluster().add(
            ...originCluster({
                url: URL,
                ageKey,
                sshIdentity,
                knownHosts: KNOWN_HOSTS,
                install,
                ...o,
            }),
        );

    before(async () => {
        const s = await stackWithSecrets("prod");
        ({ config, secretKeys, sshIdentity } = s);
        ageKey = config[`${P}:ageKey`] as string;
        const parsed = await parseStackConfig(rawConfig(config, secretKeys));
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        install = (await buildInstall(parsed.config.flux)).objects!;
        want = desiredState(parsed.config, install);
    });

    it("reports what a layer applies too as kept by that layer, not as left to nobody", () => {
        const plan = planTakeover(cluster(), want, { leaveUnreconciled: true });
        const printed = formatPlan("prod", plan);
        expect(section(printed, "Kept")).to.deep.equal([
            "Kept, and reconciled by the layer that applies them too (the root applied them as well):",
            "  Namespace cert-manager: Kustomization flux-system/infrastructure",
            "  HelmRelease cert-manager/cert-manager: Kustomization flux-system/infrastructure",
            "  Namespace databases: Kustomization flux-system/databases",
            "  Secret databases/postgresql-auth: Kustomization flux-system/databases",
            "  HelmRelease databases/postgresql: Kustomization flux-system/databases",
            "  HelmRelease databases/redis: Kustomization flux-system/databases",
            "  Namespace authentik: Kustomization flux-system/apps",
            "  HelmRelease authentik/authentik: Kustomization flux-system/apps",
        ]);
        expect(printed).not.to.contain("no longer managed by anyone");
        expect(plan.notes).to.deep.equal([]);
    });

    it("refuses what only the root applies, naming the folder and the layer config that would cover it", () => {
        const plan = planTakeover(cluster(), want);
        expect(plan.refusals).to.deep.equal([
            "Namespace monitoring, HelmRelease monitoring/kube-prometheus-stack (from ./gitops/apps/monitoring) are applied " +
                "only by the root Kustomization flux-system/flux-system, and no layer of this stack applies that folder: " +
                "after the takeover nothing would reconcile them (a commit to the folder would not deploy, a deletion from " +
                "Git would not prune, drift would stay). Add a layer for the folder to the stack " +
                "(flux-gitops:layers.monitoring: {path: ./gitops/apps/monitoring, dependsOn: [apps]}), or run again with " +
                "--leave-unreconciled to leave them unreconciled",
        ]);
        expect(plan.kept).to.have.length(8);
    });

    it("accepts it with --leave-unreconciled, and says plainly what stops being reconciled", () => {
        const plan = planTakeover(cluster(), want, { leaveUnreconciled: true });
        expect(plan.refusals).to.deep.equal([]);
        expect(section(formatPlan("prod", plan), "No longer reconciled")).to.deep.equal([
            "No longer reconciled by anything after the takeover (--leave-unreconciled): they stay in the cluster as they are, but",
            "a commit to their folder no longer deploys, a deletion from Git no longer prunes them and drift is not corrected:",
            "  Namespace monitoring (from ./gitops/apps/monitoring)",
            "  HelmRelease monitoring/kube-prometheus-stack (from ./gitops/apps/monitoring)",
        ]);
    });

    it("with --leave-unreconciled and another refusal, still lists what would stop being reconciled", () => {
        const c = cluster();
        c.mergePatch(
            {
                group: "",
                version: "v1",
                kind: "Secret",
                namespace: "flux-system",
                name: "sops-age",
            },
            { data: { "age.agekey": Buffer.from("AGE-SECRET-KEY-1OTHER").toString("base64") } },
        );
        const plan = planTakeover(c, want, { leaveUnreconciled: true });
        expect(plan.refusals.map((r) => r.split(":")[0])).to.deep.equal([
            "Secret flux-system/sops-age",
        ]);
        expect(section(formatPlan("prod", plan), "No longer reconciled").slice(2)).to.deep.equal([
            "  Namespace monitoring (from ./gitops/apps/monitoring)",
            "  HelmRelease monitoring/kube-prometheus-stack (from ./gitops/apps/monitoring)",
        ]);
    });

    it("refuses nothing once a layer of the stack covers the folder: `pulumi up` creates the layer", async () => {
        const covered = await desired(
            withValue(config, "layers", ["monitoring"], {
                path: "./gitops/apps/monitoring",
                dependsOn: ["apps"],
            }),
        );
        const plan = planTakeover(cluster(), covered);
        expect(plan.refusals).to.deep.equal([]);
        expect(plan.created).to.deep.equal(["Kustomization flux-system/monitoring"]);
        expect(section(formatPlan("prod", plan), "Applied only by the root")).to.deep.equal([
            "Applied only by the root, from a folder a layer of the stack will apply: reconciled again once `pulumi up` has applied the layer:",
            "  Namespace monitoring: ./gitops/apps/monitoring, layer monitoring",
            "  HelmRelease monitoring/kube-prometheus-stack: ./gitops/apps/monitoring, layer monitoring",
        ]);
    });

    it("a layer whose path the stack changes keeps nothing by its inventory: its new path decides", async () => {
        // apps moves to monitoring/: what it applies from applications/ today is then nobody's.
        const moved = await desired(
            withValue(config, "layers", ["apps", "path"], "./gitops/apps/monitoring"),
        );
        const plan = planTakeover(cluster(), moved);
        expect(plan.refusals).to.deep.equal([
            "Namespace authentik, HelmRelease authentik/authentik (from a folder under ./gitops) are applied only by the root " +
                "Kustomization flux-system/flux-system, and no layer of this stack applies them: after the takeover nothing " +
                "would reconcile them (a commit to the folder would not deploy, a deletion from Git would not prune, drift " +
                "would stay). The cluster does not record which folder (no config.kubernetes.io/origin annotation; kustomize " +
                "writes it only when the top kustomization of the build asks for it, not a subfolder's kustomization.yaml): " +
                "set buildMetadata: [originAnnotations] in the spec of the root Kustomization flux-system/flux-system in Git " +
                "(gotk-sync.yaml; Flux 2.9 and later), let it apply, and run again to learn the folder and the layer config " +
                "that covers it; or add a " +
                "layer whose path holds them to flux-gitops:layers and to Git next to the other layers' Kustomizations, so " +
                "that the root applies it and it applies them before the takeover; or run again with --leave-unreconciled " +
                "to leave them unreconciled",
        ]);
        expect(plan.covered.map((c) => [describeRef(c.ref), c.layer])).to.deep.equal([
            ["Namespace monitoring", "apps"],
            ["HelmRelease monitoring/kube-prometheus-stack", "apps"],
        ]);
    });

    it("without kustomize's origin annotation, says the folder is not known and how to cover it", () => {
        const plan = planTakeover(cluster({ originAnnotations: false }), want);
        expect(plan.refusals).to.deep.equal([
            "Namespace monitoring, HelmRelease monitoring/kube-prometheus-stack (from a folder under ./gitops) are applied " +
                "only by the root Kustomization flux-system/flux-system, and no layer of this stack applies them: after the " +
                "takeover nothing would reconcile them (a commit to the folder would not deploy, a deletion from Git would " +
                "not prune, drift would stay). The cluster does not record which folder (no config.kubernetes.io/origin " +
                "annotation; kustomize writes it only when the top kustomization of the build asks for it, not a subfolder's " +
                "kustomization.yaml): set buildMetadata: [originAnnotations] in the spec of the root Kustomization " +
                "flux-system/flux-system in Git (gotk-sync.yaml; Flux 2.9 and later), let it apply, and run again to learn " +
                "the folder and the layer config that covers it; " +
                "or add a layer whose path holds them to flux-gitops:layers and to Git next to the other layers' " +
                "Kustomizations, so that the root applies it and it applies them before the takeover; or run again with " +
                "--leave-unreconciled to leave them unreconciled",
        ]);
    });

    it("with --leave-unreconciled, releases them from the root and prunes nothing", async () => {
        const c = cluster();
        const plan = planTakeover(c, want, { leaveUnreconciled: true });
        await neutralise(c, plan, { timeoutMs: 1000, log: () => undefined });
        expect(c.writes.filter((w) => !w.startsWith("patch"))).to.deep.equal([
            "delete Kustomization/flux-system",
        ]);
        const owner = (kind: string, name: string) =>
            [...c.objects.values()].find((o) => o.kind === kind && o.metadata.name === name)!
                .metadata.labels?.["kustomize.toolkit.fluxcd.io/name"];
        // The root's labels come off; a layer's stay, so that layer can still prune its own.
        expect(owner("HelmRelease", "kube-prometheus-stack")).to.equal(undefined);
        expect(owner("Namespace", "monitoring")).to.equal(undefined);
        expect(owner("HelmRelease", "postgresql")).to.equal("databases");
    });
});

describe("the folder an object comes from (kustomize's config.kubernetes.io/origin)", () => {
    const withOrigin = (origin?: string): KubeObject => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
            name: "x",
            namespace: "default",
            ...(origin === undefined
                ? {}
                : { annotations: { "config.kubernetes.io/origin": origin } }),
        },
    });
    const cases: [string, string | undefined, string, string | undefined][] = [
        [
            "a file, relative to the root's path",
            "path: apps/monitoring/cm.yaml\n",
            "gitops",
            "gitops/apps/monitoring",
        ],
        ["a file at the root's path", "path: cm.yaml\n", "gitops", "gitops"],
        ["a file when the root syncs the repository's root", "path: apps/cm.yaml\n", "", "apps"],
        [
            "a generated object: the kustomization.yaml that made it",
            "configuredIn: apps/monitoring/kustomization.yaml\nconfiguredBy:\n  kind: ConfigMapGenerator\n",
            "gitops",
            "gitops/apps/monitoring",
        ],
        [
            "a remote base: no folder of this repository",
            "path: examples/cm.yaml\nrepo: https://github.com/kubernetes-sigs/kustomize\nref: v1.0.6\n",
            "gitops",
            undefined,
        ],
        ["a file outside the repository", "path: ../../elsewhere/cm.yaml\n", "gitops", undefined],
        ["not YAML", "path: [", "gitops", undefined],
        ["no annotation", undefined, "gitops", undefined],
    ];
    for (const [what, origin, rootDir, folder] of cases) {
        it(`${what}: ${folder ?? "unknown"}`, () => {
            expect(originFolder(withOrigin(origin), rootDir)).to.equal(folder);
        });
    }
});
