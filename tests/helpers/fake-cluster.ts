import { Kube, KubeObject, ObjectRef, refOf } from "../../cli/takeover/kube";

const key = (r: ObjectRef) => `${r.group}|${r.kind}|${r.namespace}|${r.name}`;

/**
 * An in-memory cluster for the takeover's unit tests. Deleting a Kustomization runs
 * kustomize-controller's finalizer as its source does (finalizerShouldDeleteResources,
 * deleteObjects): unless suspended, with a non-empty inventory and a deletionPolicy that
 * deletes (MirrorPrune with prune, Delete, WaitForTermination), it deletes every inventory
 * object that still carries its owner labels and has no prune: disabled annotation.
 */
export class FakeCluster implements Kube {
    readonly objects = new Map<string, KubeObject>();
    /** Every write, in order: `patch Kind/name`, `delete Kind/name`. */
    readonly writes: string[] = [];
    private version = 1;

    add(...objs: KubeObject[]): this {
        for (const o of objs) {
            const copy = structuredClone(o);
            copy.metadata.uid ??= `uid-${o.kind}-${o.metadata.name}`;
            copy.metadata.resourceVersion = String(this.version++);
            this.objects.set(key(refOf(copy)), copy);
        }
        return this;
    }

    get(ref: ObjectRef): KubeObject | undefined {
        const o = this.objects.get(key(ref));
        return o === undefined ? undefined : structuredClone(o);
    }

    list(group: string, _v: string, kind: string, namespace?: string): KubeObject[] {
        return [...this.objects.values()]
            .filter((o) => {
                const r = refOf(o);
                const inNamespace = namespace === undefined || r.namespace === namespace;
                return r.group === group && r.kind === kind && inNamespace;
            })
            .map((o) => structuredClone(o));
    }

    mergePatch(ref: ObjectRef, patch: unknown): void {
        const o = this.must(ref);
        mergeInto(o, patch as Record<string, unknown>);
        o.metadata.resourceVersion = String(this.version++);
        this.writes.push(`patch ${ref.kind}/${ref.name}`);
    }

    jsonPatch(ref: ObjectRef, ops: unknown[]): void {
        const o = this.must(ref);
        for (const op of ops as { op: string; path: string; value: unknown }[]) {
            if (op.op === "test" && op.path === "/metadata/resourceVersion") {
                if (o.metadata.resourceVersion !== op.value) throw new Error("test failed");
            } else if (op.op === "replace" && op.path === "/metadata/managedFields") {
                const v = op.value as Record<string, unknown>[];
                o.metadata.managedFields =
                    v.length === 1 && Object.keys(v[0]).length === 0 ? [] : v;
            } else {
                throw new Error(`fake cluster: unsupported JSON patch ${JSON.stringify(op)}`);
            }
        }
        o.metadata.resourceVersion = String(this.version++);
        this.writes.push(`patch ${ref.kind}/${ref.name}`);
    }

    delete(ref: ObjectRef): void {
        const o = this.must(ref);
        this.writes.push(`delete ${ref.kind}/${ref.name}`);
        this.objects.delete(key(ref));
        if (o.kind === "Kustomization") this.finalize(o);
    }

    private finalize(k: KubeObject): void {
        const entries = (k.status?.inventory?.entries ?? []) as { id: string }[];
        const policy = k.spec?.deletionPolicy ?? "MirrorPrune";
        const deletes =
            k.spec?.suspend !== true &&
            entries.length > 0 &&
            (policy === "MirrorPrune" ? k.spec?.prune === true : policy !== "Orphan");
        if (!deletes) return;
        for (const o of [...this.objects.values()]) {
            const labels = o.metadata.labels ?? {};
            const owned =
                labels["kustomize.toolkit.fluxcd.io/name"] === k.metadata.name &&
                labels["kustomize.toolkit.fluxcd.io/namespace"] === k.metadata.namespace;
            const disabled =
                o.metadata.annotations?.["kustomize.toolkit.fluxcd.io/prune"] === "disabled";
            if (owned && !disabled) {
                this.objects.delete(key(refOf(o)));
                this.writes.push(`pruned ${o.kind}/${o.metadata.name}`);
            }
        }
    }

    private must(ref: ObjectRef): KubeObject {
        const o = this.objects.get(key(ref));
        if (o === undefined) throw new Error(`NotFound: ${ref.kind}/${ref.name}`);
        return o;
    }
}

function mergeInto(target: Record<string, any>, patch: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete target[k];
        else if (typeof v === "object" && !Array.isArray(v)) {
            target[k] = typeof target[k] === "object" && target[k] !== null ? target[k] : {};
            mergeInto(target[k], v as Record<string, unknown>);
        } else target[k] = v;
    }
}
