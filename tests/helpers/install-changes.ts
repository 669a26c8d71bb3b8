import { KubeObject } from "../../flux/install";
import { REPLACING_FIELDS, valueAt } from "../../flux/replacing-fields";

/** Kinds of change the engine would plan for the install's objects. */
export interface InstallChanges {
    create: string[];
    update: string[];
    unchanged: string[];
    /** Objects that leave the install: Pulumi deletes them (unless retained on delete). */
    delete: string[];
    /** Objects whose new state changes a field Kubernetes cannot update in place. */
    replace: string[];
}

/**
 * How the group names each object's resource: by type and namespace/name,
 * nothing that a new release changes.
 */
export function resourceKey(o: KubeObject): string {
    const ns = o.metadata.namespace === undefined ? "" : `${o.metadata.namespace}/`;
    return `${o.apiVersion}:${o.kind}:${ns}${o.metadata.name}`;
}

/**
 * What changing the install from `before` to `after` does to each object: a
 * model of the engine's plan, so the tests show which install changes replace or
 * delete anything.
 */
export function installChanges(before: KubeObject[], after: KubeObject[]): InstallChanges {
    const old = new Map(before.map((o) => [resourceKey(o), o]));
    const changes: InstallChanges = {
        create: [],
        update: [],
        unchanged: [],
        delete: [],
        replace: [],
    };
    const seen = new Set<string>();
    for (const o of after) {
        const key = resourceKey(o);
        seen.add(key);
        const prev = old.get(key);
        if (prev === undefined) changes.create.push(key);
        else if (JSON.stringify(prev) === JSON.stringify(o)) changes.unchanged.push(key);
        else if (
            (REPLACING_FIELDS[o.kind] ?? []).some(
                (p) => JSON.stringify(valueAt(prev, p)) !== JSON.stringify(valueAt(o, p)),
            )
        )
            changes.replace.push(key);
        else changes.update.push(key);
    }
    for (const key of old.keys()) if (!seen.has(key)) changes.delete.push(key);
    return changes;
}
