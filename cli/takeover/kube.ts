import { execFileSync } from "child_process";
import { KubeObject as ObjectData } from "../../flux/install";
import { objectKey, splitApiVersion } from "../../flux/keys";

/** A Kubernetes object as the API returns it: the model's object with what the server adds. */
export interface KubeObject extends ObjectData {
    metadata: ObjectData["metadata"] & {
        uid?: string;
        resourceVersion?: string;
        managedFields?: ManagedFieldsEntry[];
        deletionTimestamp?: string;
    };
    // Live objects are read field by field; each read checks what it needs.
    [field: string]: any;
}

export interface ManagedFieldsEntry {
    manager?: string;
    operation?: string;
    subresource?: string;
    [field: string]: unknown;
}

/** Which object: group ("" for core), version, kind, namespace ("" when cluster-scoped), name. */
export interface ObjectRef {
    group: string;
    version: string;
    kind: string;
    namespace: string;
    name: string;
}

export function refOf(o: KubeObject): ObjectRef {
    return {
        ...splitApiVersion(o.apiVersion),
        kind: o.kind,
        namespace: o.metadata.namespace ?? "",
        name: o.metadata.name,
    };
}

/** `Kind namespace/name` (or `Kind name` when cluster-scoped), for messages. */
export const describeRef: (r: ObjectRef) => string = objectKey;

/** The cluster operations the takeover needs; a fake in unit tests, kubectl for real. */
export interface Kube {
    /** The object, or undefined when it (or its kind) does not exist. */
    get(ref: ObjectRef): KubeObject | undefined;
    /** Objects of a kind in a namespace (in all namespaces without one); empty when the kind is not installed. */
    list(group: string, version: string, kind: string, namespace?: string): KubeObject[];
    /** A JSON merge patch (RFC 7386). */
    mergePatch(ref: ObjectRef, patch: unknown): void;
    /** A JSON patch (RFC 6902); its `test` operations make it fail if the object changed. */
    jsonPatch(ref: ObjectRef, ops: unknown[]): void;
    delete(ref: ObjectRef): void;
}

/** kubectl's `kind.version.group` form (a core kind alone: `kind.v1` would read as group v1). */
function resourceArg(group: string, version: string, kind: string): string {
    return group === "" ? kind : `${kind}.${version}.${group}`;
}

function notFound(e: unknown): boolean {
    const text = String((e as { stderr?: string }).stderr ?? e);
    return /NotFound|the server doesn't have a resource type/.test(text);
}

/** Kube through the kubectl on PATH, against the current (or the given) context. */
export function kubectlClient(context?: string): Kube {
    const base = context === undefined ? [] : ["--context", context];
    const run = (args: string[]) =>
        execFileSync("kubectl", [...base, ...args], {
            encoding: "utf8",
            stdio: ["pipe", "pipe", "pipe"],
            maxBuffer: 64 * 1024 * 1024,
        });
    const nsArgs = (namespace: string) => (namespace === "" ? [] : ["-n", namespace]);
    const target = (r: ObjectRef) => [
        resourceArg(r.group, r.version, r.kind),
        r.name,
        ...nsArgs(r.namespace),
    ];
    return {
        get(ref) {
            try {
                // kubectl hides managedFields unless asked; the release step reads them.
                const args = ["get", ...target(ref), "-o", "json", "--show-managed-fields"];
                return JSON.parse(run(args)) as KubeObject;
            } catch (e) {
                if (notFound(e)) return undefined;
                throw e;
            }
        },
        list(group, version, kind, namespace) {
            try {
                const where = namespace === undefined ? ["--all-namespaces"] : nsArgs(namespace);
                const args = ["get", resourceArg(group, version, kind), ...where];
                return (JSON.parse(run([...args, "-o", "json"])) as { items: KubeObject[] }).items;
            } catch (e) {
                if (notFound(e)) return [];
                throw e;
            }
        },
        mergePatch(ref, patch) {
            run(["patch", ...target(ref), "--type", "merge", "-p", JSON.stringify(patch)]);
        },
        jsonPatch(ref, ops) {
            run(["patch", ...target(ref), "--type", "json", "-p", JSON.stringify(ops)]);
        },
        delete(ref) {
            run(["delete", ...target(ref), "--wait=false"]);
        },
    };
}
