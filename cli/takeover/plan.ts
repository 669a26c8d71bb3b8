import { Desired } from "./desired";
import { compareReplacingFields, compareSecretData, compareSpec } from "./compare";
import { describeRef, Kube, KubeObject, ObjectRef, refOf } from "./kube";

export const KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io";
export const SOURCE_GROUP = "source.toolkit.fluxcd.io";
/** The labels kustomize-controller marks applied objects with; its garbage collection only deletes objects carrying them. */
export const OWNER_LABELS = [`${KUSTOMIZE_GROUP}/name`, `${KUSTOMIZE_GROUP}/namespace`];
/** The Flux releases this takeover was proven with (README: 2.7, 2.8 and 2.9). */
export const HANDLED_FLUX_MINORS = [7, 8, 9];

export interface Change {
    object: string;
    field: string;
    from: unknown;
    to: unknown;
}

/** What the takeover found and will do, or why it will not. */
export interface Plan {
    /** Each a reason not to proceed; the takeover touches nothing when there is one. */
    refusals: string[];
    root?: { ref: ObjectRef; path: string; prune: boolean; sourceName: string };
    fluxVersion?: string;
    /** Objects of the bootstrap's inventory that Pulumi will own from now on (the root excluded). */
    adopted: ObjectRef[];
    /** The stack's objects that are not in the cluster yet. */
    created: string[];
    /** Fields `pulumi up` will change on adopted objects. */
    changes: Change[];
    /** Inventory objects the stack does not declare: they stay in the cluster, owned by nobody. */
    leftAlone: ObjectRef[];
    notes: string[];
    /**
     * Secret data the takeover writes as the stack has it before the import: a data change would
     * make @pulumi/kubernetes replace the Secret, which the engine refuses for an imported
     * object. Only a credential's final newline and keys the stack does not declare; any other
     * difference is a refusal. Values stay in memory: never printed.
     */
    secretWrites: { ref: ObjectRef; dataKey: string; value?: string; what: string }[];
}

/** Parses a Flux inventory entry id: `<namespace>_<name>_<group>_<kind>`. */
export function parseInventoryId(id: string, version: string): ObjectRef {
    const parts = id.split("_");
    const kind = parts.pop() ?? "";
    const group = parts.pop() ?? "";
    const namespace = parts.shift() ?? "";
    return { group, version, kind, namespace, name: parts.join("_") };
}

const sameRef = (a: ObjectRef, b: ObjectRef) =>
    a.group === b.group && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

function inventoryOf(k: KubeObject): ObjectRef[] {
    const entries = (k.status?.inventory?.entries ?? []) as { id: string; v: string }[];
    return entries.map((e) => parseInventoryId(e.id, e.v));
}

function readyOf(o: KubeObject | undefined): { ok: boolean; message: string } {
    const c = (o?.status?.conditions ?? []).find((x: { type: string }) => x.type === "Ready");
    if (c === undefined) return { ok: false, message: "no Ready condition yet" };
    return { ok: c.status === "True", message: `${c.reason ?? ""}: ${c.message ?? ""}` };
}

/**
 * Reads the cluster (nothing is written) and compares it with what the stack declares.
 * The root is the Kustomization whose inventory holds the stack's GitRepository or one of
 * its layers: what `flux bootstrap` leaves as `flux-system`. With `resume`, a cluster whose
 * root an earlier run already deleted is accepted too.
 */
export function planTakeover(kube: Kube, want: Desired, opts: { resume?: boolean } = {}): Plan {
    const plan: Plan = {
        refusals: [],
        adopted: [],
        created: [],
        changes: [],
        leftAlone: [],
        notes: [],
        secretWrites: [],
    };
    const refuse = (m: string) => plan.refusals.push(m);
    const ns = want.namespace;

    const crd = kube.get({
        group: "apiextensions.k8s.io",
        version: "v1",
        kind: "CustomResourceDefinition",
        namespace: "",
        name: `kustomizations.${KUSTOMIZE_GROUP}`,
    });
    if (crd === undefined) {
        refuse(
            `no Flux bootstrap found: the cluster has no Kustomization CRD (kustomizations.${KUSTOMIZE_GROUP}). ` +
                "For a cluster without Flux, run `pulumi up` directly.",
        );
        return plan;
    }

    const version = crd.metadata.labels?.["app.kubernetes.io/version"];
    plan.fluxVersion = version;
    const m = /^v2\.(\d+)\.\d+$/.exec(version ?? "");
    if (m === null || !HANDLED_FLUX_MINORS.includes(Number(m[1]))) {
        refuse(
            `Flux version ${version ?? "(unknown: the CRD has no app.kubernetes.io/version label)"} is not one this takeover handles: ` +
                `expected v2.${HANDLED_FLUX_MINORS[0]}.x to v2.${HANDLED_FLUX_MINORS.at(-1)}.x, as installed by \`flux bootstrap\`. ` +
                "Upgrade the cluster with `flux bootstrap` first.",
        );
    } else if (version !== want.fluxVersion) {
        plan.changes.push({
            object: "Flux install",
            field: "version (flux.version)",
            from: version,
            to: want.fluxVersion,
        });
    }

    const kustomizations = kube.list(KUSTOMIZE_GROUP, "v1", "Kustomization", ns);
    const repoRef: ObjectRef = {
        group: SOURCE_GROUP,
        version: "v1",
        kind: "GitRepository",
        namespace: ns,
        name: want.repository.name,
    };
    const layerRef = (name: string): ObjectRef => ({
        group: KUSTOMIZE_GROUP,
        version: "v1",
        kind: "Kustomization",
        namespace: ns,
        name,
    });
    const isStackLayer = (r: ObjectRef) =>
        r.group === KUSTOMIZE_GROUP &&
        r.kind === "Kustomization" &&
        r.namespace === ns &&
        want.layers.some((l) => l.name === r.name);
    const roots = kustomizations.filter((k) =>
        inventoryOf(k).some((r) => sameRef(r, repoRef) || isStackLayer(r)),
    );
    const resumable = roots.length === 0 && opts.resume === true && kube.get(repoRef) !== undefined;
    if (roots.length !== 1 && !resumable) {
        refuse(
            roots.length === 0
                ? `no Flux bootstrap found: no Kustomization in namespace ${ns} has the GitRepository ${want.repository.name} ` +
                      `or the layers (${want.layers.map((l) => l.name).join(", ")}) in its inventory ` +
                      "(flux-gitops:flux.namespace, flux-gitops:git.repositoryName and flux-gitops:layers must name the bootstrap's objects; " +
                      "if an earlier `npm run takeover -- --yes` stopped after deleting the root, run it again with --resume)"
                : `more than one Kustomization applies the stack's objects (${roots.map((k) => k.metadata.name).join(", ")}); ` +
                      "expected only the bootstrap's root Kustomization",
        );
        return plan;
    }
    let inventory: ObjectRef[];
    if (resumable) {
        // The root is gone already: what is left is to release the stack's objects.
        plan.notes.push(
            "no root Kustomization: an earlier takeover removed it; only the release of the objects remains",
        );
        inventory = [];
    } else {
        const root = roots[0];
        const rootRef = refOf(root);
        plan.root = {
            ref: rootRef,
            path: root.spec?.path ?? "",
            prune: root.spec?.prune === true,
            sourceName: root.spec?.sourceRef?.name ?? "",
        };
        if (root.metadata.deletionTimestamp !== undefined) {
            refuse(
                `the root Kustomization ${describeRef(rootRef)} is already being deleted; Flux may be pruning its objects`,
            );
        }
        inventory = inventoryOf(root).filter((r) => !sameRef(r, rootRef));
    }

    // Every object the stack declares is imported when it exists, created when it does not.
    // Each object is read once; the checks below look it up by its `Kind namespace/name`.
    const live = new Map<string, KubeObject | undefined>();
    for (const d of want.objects) {
        const o = kube.get(d);
        live.set(describeRef(d), o);
        if (o === undefined) plan.created.push(describeRef(d));
        else plan.adopted.push(d);
    }
    const liveOf = (r: ObjectRef) => live.get(describeRef(r));

    for (const { ref, object } of want.install) {
        const o = liveOf(ref);
        if (o !== undefined) compareReplacingFields(plan, o, object);
    }

    // The source and every layer must be Ready: a takeover must not hide a broken cluster.
    const repo = liveOf(repoRef);
    if (repo !== undefined) {
        const r = readyOf(repo);
        if (!r.ok)
            refuse(`${describeRef(repoRef)} is not Ready (${r.message}); fix the source first`);
        compareSpec(plan, repo, want.repository.spec, "flux-gitops:git");
    }
    for (const l of want.layers) {
        const layer = liveOf(layerRef(l.name));
        if (layer === undefined) continue;
        const r = readyOf(layer);
        if (!r.ok && layer.spec?.suspend !== true) {
            refuse(
                `${describeRef(layerRef(l.name))} is not Ready (${r.message}); fix the layer first`,
            );
        }
        compareSpec(plan, layer, l.spec, `flux-gitops:layers.${l.name}`);
    }

    for (const s of want.secrets) {
        const ref: ObjectRef = {
            group: "",
            version: "v1",
            kind: "Secret",
            namespace: ns,
            name: s.name,
        };
        const secret = liveOf(ref);
        if (secret === undefined) continue;
        if ((secret.type ?? "Opaque") !== "Opaque") {
            refuse(
                `${describeRef(ref)} has type ${secret.type}; the stack declares type Opaque, and a Secret's type cannot change ` +
                    "in place: re-create it with type Opaque (kubectl create secret generic) before the takeover",
            );
        }
        compareSecretData(plan, ref, secret, s);
    }

    // What the bootstrap applied and the stack does not declare stays, owned by nobody.
    for (const r of inventory) {
        if (!want.objects.some((d) => sameRef(d, r))) plan.leftAlone.push(r);
    }
    for (const r of plan.leftAlone) {
        if (r.group === KUSTOMIZE_GROUP && r.kind === "Kustomization") {
            refuse(
                `${describeRef(r)} is applied by the bootstrap but is not a layer of this stack; after the takeover nothing ` +
                    `would manage it: add it to flux-gitops:layers, or remove it from Git and let Flux prune it first`,
            );
        }
    }
    if (plan.leftAlone.length > 0) {
        plan.notes.push(
            `left in the cluster, no longer managed by anyone: ${plan.leftAlone.map(describeRef).join(", ")}`,
        );
    }
    return plan;
}
