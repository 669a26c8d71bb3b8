import { describeRef, Kube, KubeObject, ManagedFieldsEntry, ObjectRef } from "./kube";
import { KUSTOMIZE_GROUP, OWNER_LABELS, Plan } from "./plan";

const KUSTOMIZATION = { group: KUSTOMIZE_GROUP, version: "v1", kind: "Kustomization" };

/** The field manager kustomize-controller applies with (its default controller name). */
export const KUSTOMIZE_CONTROLLER_MANAGER = "kustomize-controller";

export interface NeutraliseOptions {
    /** How long to wait for kustomize-controller to let go of the deleted root. */
    timeoutMs: number;
    log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the bootstrap's root Kustomization out of the way without pruning anything, then
 * releases the adopted objects from kustomize-controller, in an order where each step is safe
 * even if the next one never runs:
 *
 * 1. `suspend: true` and `deletionPolicy: Orphan` on the root. Either alone makes
 *    kustomize-controller's finalizer delete nothing (finalizerShouldDeleteResources); neither
 *    field is in gotk-sync.yaml, so a reconcile still in flight cannot apply them away.
 * 2. The owner labels (kustomize.toolkit.fluxcd.io/name, /namespace) come off every object of
 *    its inventory. Flux's garbage collection only deletes objects carrying them, so no
 *    Kustomization, this one or a future one of the same name, can prune them.
 * 3. The root is deleted; its finalizer lets go without deleting anything.
 * 4. kustomize-controller's server-side-apply entries, and kubectl's (the Secrets made by
 *    hand), leave the adopted objects' managedFields. With the root gone nothing applies them
 *    as kustomize-controller again, and Pulumi's apply (which does not force) then owns every
 *    field it sets without a conflict: the same field at another value would otherwise be a
 *    conflict with its previous owner. Status entries stay: the controllers still write those.
 */
export async function neutralise(kube: Kube, plan: Plan, opts: NeutraliseOptions): Promise<void> {
    const root = plan.root?.ref;
    if (root !== undefined) {
        kube.mergePatch(root, { spec: { suspend: true, deletionPolicy: "Orphan" } });
        const patched = kube.get(root);
        if (patched?.spec?.suspend !== true || patched.spec.deletionPolicy !== "Orphan") {
            throw new Error(
                `${describeRef(root)}: suspend/deletionPolicy did not stick; nothing else was changed`,
            );
        }
        opts.log(`1/4 ${describeRef(root)}: suspend: true, deletionPolicy: Orphan`);
    }

    let unlabelled = 0;
    for (const ref of [...plan.adopted, ...plan.leftAlone]) {
        if (releaseOwnerLabels(kube, ref, root)) unlabelled++;
    }
    opts.log(`2/4 removed Flux owner labels from ${unlabelled} objects`);

    if (root !== undefined) {
        kube.delete(root);
        const deadline = Date.now() + opts.timeoutMs;
        while (kube.get(root) !== undefined) {
            if (Date.now() > deadline) {
                throw new Error(
                    `${describeRef(root)} is still there after ${opts.timeoutMs / 1000}s: kustomize-controller has not ` +
                        "removed its finalizer. Is kustomize-controller running? It is suspended with deletionPolicy " +
                        "Orphan, so it will delete nothing when it does; then run the takeover again with --resume.",
                );
            }
            await sleep(500);
        }
        opts.log(`3/4 deleted ${describeRef(root)} (its finalizer deleted nothing)`);
    }

    // An object left without any managedFields entry gets a "before-first-apply" owner of every
    // field on the next apply, and Pulumi's unforced apply conflicts with it wherever the values
    // differ: so the only difference the plan accepts (a credential's final newline) goes first.
    for (const w of plan.rewrites) {
        kube.mergePatch(w.ref, {
            data: { [w.dataKey]: Buffer.from(w.value, "utf8").toString("base64") },
        });
    }
    let released = 0;
    for (const ref of plan.adopted) {
        if (await dropPreviousOwners(kube, ref)) released++;
    }
    opts.log(
        `4/4 released ${released} objects from the field ownership of kustomize-controller and kubectl`,
    );
}

/** Takes off owner labels that name the root, or a Kustomization that no longer exists. */
function releaseOwnerLabels(kube: Kube, ref: ObjectRef, root: ObjectRef | undefined): boolean {
    const labels = kube.get(ref)?.metadata.labels ?? {};
    const [name, namespace] = OWNER_LABELS.map((l) => labels[l]);
    if (name === undefined) return false;
    const isRoot = root !== undefined && name === root.name && namespace === root.namespace;
    const owner = { ...KUSTOMIZATION, namespace: namespace ?? "", name };
    if (!isRoot && kube.get(owner) !== undefined) return false;
    kube.mergePatch(ref, {
        metadata: { labels: Object.fromEntries(OWNER_LABELS.map((l) => [l, null])) },
    });
    return true;
}

/**
 * Whether a managedFields entry is one of the previous owners Pulumi replaces:
 * kustomize-controller's applies of the bootstrap, and hand edits with kubectl (the Secrets
 * the seed's users created with `kubectl create secret`; kubectl's managers are all named
 * kubectl*, plus before-first-apply for objects made before server-side apply). Status
 * entries are never dropped: the controllers keep writing status.
 */
export function isPreviousOwner(e: ManagedFieldsEntry): boolean {
    if (e.subresource !== undefined && e.subresource !== "") return false;
    const m = e.manager ?? "";
    if (m === KUSTOMIZE_CONTROLLER_MANAGER) return e.operation === "Apply";
    return m.startsWith("kubectl") || m === "before-first-apply";
}

/** Removes the previous owners' entries; retries when the object changes meanwhile. */
async function dropPreviousOwners(kube: Kube, ref: ObjectRef): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
        const live: KubeObject | undefined = kube.get(ref);
        const entries = live?.metadata.managedFields ?? [];
        const kept = entries.filter((e) => !isPreviousOwner(e));
        if (live === undefined || kept.length === entries.length) return false;
        try {
            kube.jsonPatch(ref, [
                // Fails if a controller wrote the object since it was read: read again then.
                {
                    op: "test",
                    path: "/metadata/resourceVersion",
                    value: live.metadata.resourceVersion,
                },
                // An empty list would leave managedFields unchanged; [{}] is the API's way to clear them.
                {
                    op: "replace",
                    path: "/metadata/managedFields",
                    value: kept.length > 0 ? kept : [{}],
                },
            ]);
            return true;
        } catch (e) {
            if (attempt >= 10) throw e;
            await sleep(200);
        }
    }
}
