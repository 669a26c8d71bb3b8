/** A Kubernetes object by kind, namespace ("" when cluster-scoped) and name. */
export interface ObjectName {
    kind: string;
    namespace: string;
    name: string;
}

/**
 * `Kind namespace/name`, or `Kind name` when cluster-scoped: how `npm run takeover` lists
 * the objects to adopt in `flux-gitops:takeover`, how its plan prints them, and how the
 * program recognises them. One definition: if the writer and the reader drifted, `pulumi up`
 * would create instead of importing.
 */
export function objectKey(o: ObjectName): string {
    return o.namespace === "" ? `${o.kind} ${o.name}` : `${o.kind} ${o.namespace}/${o.name}`;
}

/** What objectKey writes: a kind, an optional DNS-label namespace and `/`, a name. */
export const OBJECT_KEY_PATTERN = /^[A-Z][A-Za-z0-9]* (?:[a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[^\s/]+$/;

/** The ID @pulumi/kubernetes imports an object by: `namespace/name`, or `name`. */
export function importId(o: ObjectName): string {
    return o.namespace === "" ? o.name : `${o.namespace}/${o.name}`;
}

/** `group/version` split; the core group is "". */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
    const slash = apiVersion.indexOf("/");
    return slash < 0
        ? { group: "", version: apiVersion }
        : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * The field manager the takeover hands the bootstrap's field ownership to, and the takeover's
 * `pulumi up` applies adopted objects with (through the provider's `pulumi.com/patchFieldManager`
 * annotation; the provider then keeps the name in the state). Pulumi's first apply then owns
 * exactly what the bootstrap owned: a field the stack sets to another value changes without a
 * conflict, a field the stack leaves out is removed, as the preview shows.
 */
export const TAKEOVER_FIELD_MANAGER = "flux-gitops-takeover";
