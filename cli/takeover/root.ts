import { Desired } from "./desired";
import { Findings, findings } from "./findings";
import { describeRef, Kube, KubeObject, ObjectRef, refOf } from "./kube";

export const KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io";
const SOURCE_GROUP = "source.toolkit.fluxcd.io";

/** A Flux Kustomization in a namespace. */
export function kustomizationRef(namespace: string, name: string): ObjectRef {
    return { group: KUSTOMIZE_GROUP, version: "v1", kind: "Kustomization", namespace, name };
}

/** The stack's GitRepository. */
export function sourceRef(want: Desired): ObjectRef {
    return {
        group: SOURCE_GROUP,
        version: "v1",
        kind: "GitRepository",
        namespace: want.namespace,
        name: want.repository.name,
    };
}

export const sameRef = (a: ObjectRef, b: ObjectRef) =>
    a.group === b.group && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

/** The bootstrap's root Kustomization: what `flux bootstrap` leaves as `flux-system`. */
export interface Root {
    ref: ObjectRef;
    path: string;
    prune: boolean;
    sourceName: string;
}

/**
 * Where the takeover starts: the root and the objects of its inventory (the root excluded), or
 * the refusal that stops the plan. `root` is undefined when an earlier run deleted it (--resume).
 */
type RootSearch =
    | { ok: false; refusal: string }
    | { ok: true; root?: Root; inventory: ObjectRef[]; findings: Findings };

/** Parses a Flux inventory entry id: `<namespace>_<name>_<group>_<kind>`. */
function parseInventoryId(id: string, version: string): ObjectRef {
    const parts = id.split("_");
    const kind = parts.pop() ?? "";
    const group = parts.pop() ?? "";
    const namespace = parts.shift() ?? "";
    return { group, version, kind, namespace, name: parts.join("_") };
}

/** The objects a Kustomization applied, from its status (`status.inventory.entries`). */
export function inventoryOf(k: KubeObject): ObjectRef[] {
    const entries = (k.status?.inventory?.entries ?? []) as { id: string; v: string }[];
    return entries.map((e) => parseInventoryId(e.id, e.v));
}

/**
 * Finds the root: the Kustomization whose inventory holds the stack's GitRepository or one of
 * its layers. With `resume`, a cluster whose root an earlier run already deleted is accepted
 * when the GitRepository is still there.
 */
export function findRoot(kube: Kube, want: Desired, resume: boolean): RootSearch {
    const ns = want.namespace;
    const repoRef = sourceRef(want);
    const isStackLayer = (r: ObjectRef) =>
        want.layers.some((l) => sameRef(r, kustomizationRef(ns, l.name)));
    const roots = kube
        .list(KUSTOMIZE_GROUP, "v1", "Kustomization", ns)
        .filter((k) => inventoryOf(k).some((r) => sameRef(r, repoRef) || isStackLayer(r)));
    if (roots.length === 1) return rootFound(roots[0]);
    if (roots.length === 0 && resume && kube.get(repoRef) !== undefined) {
        // The root is gone already: what is left is to release the stack's objects.
        const note =
            "no root Kustomization: an earlier takeover removed it; only the release of the objects remains";
        return { ok: true, inventory: [], findings: findings({ notes: [note] }) };
    }
    return {
        ok: false,
        refusal:
            roots.length === 0
                ? `no Flux bootstrap found: no Kustomization in namespace ${ns} has the GitRepository ${want.repository.name} ` +
                  `or the layers (${want.layers.map((l) => l.name).join(", ")}) in its inventory ` +
                  "(flux-gitops:flux.namespace, flux-gitops:git.repositoryName and flux-gitops:layers must name the bootstrap's objects; " +
                  "if an earlier `npm run takeover -- --yes` stopped after deleting the root, run it again with --resume)"
                : `more than one Kustomization applies the stack's objects (${roots.map((k) => k.metadata.name).join(", ")}); ` +
                  "expected only the bootstrap's root Kustomization",
    };
}

function rootFound(root: KubeObject): RootSearch {
    const ref = refOf(root);
    const refusals =
        root.metadata.deletionTimestamp === undefined
            ? []
            : [
                  `the root Kustomization ${describeRef(ref)} is already being deleted; Flux may be pruning its objects`,
              ];
    return {
        ok: true,
        root: {
            ref,
            path: root.spec?.path ?? "",
            prune: root.spec?.prune === true,
            sourceName: root.spec?.sourceRef?.name ?? "",
        },
        inventory: inventoryOf(root).filter((r) => !sameRef(r, ref)),
        findings: findings({ refusals }),
    };
}
