import { TAKEOVER_FIELD_MANAGER } from "../../flux/keys";
import { describeRef, Kube, KubeObject, ManagedFieldsEntry, ObjectRef } from "./kube";
import { Plan } from "./plan";
import { KUSTOMIZE_GROUP, kustomizationRef } from "./root";

/**
 * The labels kustomize-controller marks applied objects with; its garbage collection only
 * deletes objects carrying them.
 */
const OWNER_LABELS = [`${KUSTOMIZE_GROUP}/name`, `${KUSTOMIZE_GROUP}/namespace`];

/** The field manager kustomize-controller applies with (its default controller name). */
const KUSTOMIZE_CONTROLLER_MANAGER = "kustomize-controller";

interface NeutraliseOptions {
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
 * 4. The field ownership of kustomize-controller's applies, and of kubectl (the Secrets made by
 *    hand), passes on each adopted object to TAKEOVER_FIELD_MANAGER, the field manager the
 *    takeover's `pulumi up` applies with. Which fields: all they owned. Why: with the root gone
 *    neither writes them again, and Pulumi's first apply must own exactly those. Dropping them
 *    instead would leave a field nobody owns, or a Secret with no owner at all, which the API
 *    server hands to "before-first-apply" on the next apply: every later change of a value the
 *    stack shares with it (a Flux upgrade's version labels) would then fail with a conflict.
 *    Forcing Pulumi's apply would not help: a forced apply of an equal value shares the field
 *    and leaves the same conflict for later. Status entries stay: the controllers write those.
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

    // Before the import, so it finds the stack's values: a Secret's data change would be a replacement.
    for (const w of plan.secretWrites) {
        kube.mergePatch(w.ref, {
            data: {
                [w.dataKey]:
                    w.value === undefined ? null : Buffer.from(w.value, "utf8").toString("base64"),
            },
        });
    }
    let transferred = 0;
    for (const ref of plan.adopted) {
        if (await transferOwnership(kube, ref)) transferred++;
    }
    opts.log(
        `4/4 passed the field ownership of kustomize-controller and kubectl on ${transferred} objects to ${TAKEOVER_FIELD_MANAGER}`,
    );
}

/** Takes off owner labels that name the root, or a Kustomization that no longer exists. */
function releaseOwnerLabels(kube: Kube, ref: ObjectRef, root: ObjectRef | undefined): boolean {
    const labels = kube.get(ref)?.metadata.labels ?? {};
    const [name, namespace] = OWNER_LABELS.map((l) => labels[l]);
    if (name === undefined) return false;
    const isRoot = root !== undefined && name === root.name && namespace === root.namespace;
    const owner = kustomizationRef(namespace ?? "", name);
    if (!isRoot && kube.get(owner) !== undefined) return false;
    kube.mergePatch(ref, {
        metadata: { labels: Object.fromEntries(OWNER_LABELS.map((l) => [l, null])) },
    });
    return true;
}

/**
 * Whether a managedFields entry is one of the previous owners Pulumi replaces:
 * kustomize-controller's applies of the bootstrap, and hand edits with kubectl (Secrets made
 * with `kubectl create secret` next to `flux bootstrap`; kubectl's managers are all named
 * kubectl*, plus before-first-apply for objects made before server-side apply). Status
 * entries are never dropped: the controllers keep writing status.
 */
function isPreviousOwner(e: ManagedFieldsEntry): boolean {
    if (e.subresource !== undefined && e.subresource !== "") return false;
    const m = e.manager ?? "";
    if (m === KUSTOMIZE_CONTROLLER_MANAGER) return e.operation === "Apply";
    return m.startsWith("kubectl") || m === "before-first-apply";
}

/**
 * One managedFields entry for TAKEOVER_FIELD_MANAGER (an Apply, like Pulumi's own) holding
 * every field of the previous owners' entries, and of an earlier run's transfer. The API server
 * keeps one entry per manager, so entries of another API version than the object's are left
 * out; their fields then have no owner, and the stack's apply takes them without a conflict.
 */
export function transferredEntries(
    entries: ManagedFieldsEntry[],
    apiVersion: string,
): ManagedFieldsEntry[] | undefined {
    const ours = (e: ManagedFieldsEntry) =>
        isPreviousOwner(e) || (e.manager === TAKEOVER_FIELD_MANAGER && e.operation === "Apply");
    const moving = entries.filter(ours);
    if (moving.every((e) => e.manager === TAKEOVER_FIELD_MANAGER)) return undefined;
    const version = moving.some((e) => e.apiVersion === apiVersion)
        ? apiVersion
        : (moving[0].apiVersion as string);
    const fields = moving
        .filter((e) => e.apiVersion === version)
        .reduce<Record<string, unknown>>((all, e) => union(all, e.fieldsV1 ?? {}), {});
    return [
        ...entries.filter((e) => !ours(e)),
        {
            manager: TAKEOVER_FIELD_MANAGER,
            operation: "Apply",
            apiVersion: version,
            fieldsType: "FieldsV1",
            fieldsV1: fields,
        },
    ];
}

/** The union of two FieldsV1 sets (nested maps whose leaves are `{}`). */
function union(a: unknown, b: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
        out[k] = k in out ? union(out[k], v) : v;
    }
    return out;
}

/** Replaces the previous owners' entries with the takeover's; retries when the object changes meanwhile. */
async function transferOwnership(kube: Kube, ref: ObjectRef): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
        const live: KubeObject | undefined = kube.get(ref);
        if (live === undefined) return false;
        const entries = transferredEntries(live.metadata.managedFields ?? [], live.apiVersion);
        if (entries === undefined) return false;
        try {
            kube.jsonPatch(ref, [
                // Fails if a controller wrote the object since it was read: read again then.
                {
                    op: "test",
                    path: "/metadata/resourceVersion",
                    value: live.metadata.resourceVersion,
                },
                { op: "replace", path: "/metadata/managedFields", value: entries },
            ]);
            return true;
        } catch (e) {
            if (attempt >= 10) throw e;
            await sleep(200);
        }
    }
}
