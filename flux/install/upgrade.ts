import { KubeObject } from "./objects";

/** What the cluster says about one installed CRD. */
export interface LiveCrd {
    name: string;
    /** `status.storedVersions`: every API version objects of this kind may still be stored as in etcd. */
    storedVersions: string[];
    /** How many objects of its kind exist; read only for Flux CRDs the new install no longer holds. */
    objects?: number;
}

/** A Flux CRD in the cluster that the new install leaves out, while objects of its kind exist. */
export interface DroppedCrd {
    crd: string;
    objects: number;
}

/**
 * Flux CRDs the install would delete with objects still in them: Pulumi
 * deletes a CRD that leaves the install (unless kept on destroy), and the API
 * server then deletes every object of its kind.
 */
export function droppedCrdsWithObjects(live: LiveCrd[], next: KubeObject[]): DroppedCrd[] {
    const kept = new Set(crdsOf(next).map((c) => c.metadata.name));
    return live
        .filter((l) => !kept.has(l.name) && (l.objects ?? 0) > 0)
        .map((l) => ({ crd: l.name, objects: l.objects ?? 0 }));
}

/** Why removing the components is refused, and the ways out. */
export function droppedCrdRefusal(dropped: DroppedCrd[]): string {
    return [
        "Refusing to remove Flux CRDs that still hold objects (deleting a CRD deletes every object of its kind):",
        ...dropped.map((d) => `  - ${d.crd}: ${d.objects} object${d.objects === 1 ? "" : "s"}`),
        "Delete those objects first if they are no longer wanted, keep the component in `flux-gitops:flux.components`, " +
            "or set `flux-gitops:flux.keepOnDestroy: true` so the CRDs stay in the cluster. Nothing was changed.",
    ].join("\n");
}

/** A CRD whose stored objects the new install could no longer read. */
export interface StoredVersionConflict {
    crd: string;
    /** Stored versions the new CRD does not serve. */
    unserved: string[];
    /** What the new CRD serves. */
    served: string[];
}

/** The API versions a CRD of the manifest serves. */
export function servedVersions(crd: KubeObject): string[] {
    const versions = (crd.spec as { versions?: { name: string; served?: boolean }[] } | undefined)
        ?.versions;
    return (versions ?? []).filter((v) => v.served === true).map((v) => v.name);
}

const crdsOf = (objects: KubeObject[]) =>
    objects.filter((o) => o.kind === "CustomResourceDefinition");

/**
 * The CRDs an install would break: the live CRD still lists a stored version
 * that the new CRD no longer serves. The API server rejects such a CRD update,
 * and objects stored in that version could not be read. The list of removed
 * versions comes from the manifests, never from a list kept here.
 */
export function storedVersionConflicts(
    live: LiveCrd[],
    next: KubeObject[],
): StoredVersionConflict[] {
    const conflicts: StoredVersionConflict[] = [];
    for (const crd of crdsOf(next)) {
        const current = live.find((l) => l.name === crd.metadata.name);
        if (current === undefined) continue;
        const served = servedVersions(crd);
        const unserved = current.storedVersions.filter((v) => !served.includes(v));
        if (unserved.length > 0) conflicts.push({ crd: crd.metadata.name, unserved, served });
    }
    return conflicts;
}

/** Why the upgrade is refused and what to run, one line per CRD. */
export function storedVersionRefusal(
    version: string | undefined,
    conflicts: StoredVersionConflict[],
): string {
    // Unset when flux-gitops:flux is stored as a secret: the version is then never printed.
    const release =
        version === undefined
            ? "the Flux release of flux-gitops:flux (stored as a secret, so not shown)"
            : `Flux ${version}`;
    return [
        `Refusing to install ${release}: objects in the cluster are still stored in API versions it no longer serves:`,
        ...conflicts.map(
            (c) =>
                `  - ${c.crd}: status.storedVersions lists ${c.unserved.join(", ")}; ${version ?? "it"} serves ${c.served.join(", ")}`,
        ),
        "Run `flux migrate` (Flux CLI of the installed release or of " +
            `${version ?? "the new one"}) against this cluster: it rewrites every Flux object in the CRD's storage version and ` +
            "removes the old versions from status.storedVersions. Then run the preview again. Nothing was changed.",
    ].join("\n");
}
