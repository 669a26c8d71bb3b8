import * as pulumi from "@pulumi/pulumi";
import {
    droppedCrdRefusal,
    droppedCrdsWithObjects,
    KubeObject,
    storedVersionConflicts,
    storedVersionRefusal,
} from "../flux/install";
import { liveCrdReader } from "./live-crds";
import { FluxSettings } from "../stacks/types";

/** The install would break objects stored in versions the new CRDs no longer serve. */
export class UpgradeRefusedError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "UpgradeRefusedError";
    }
}

/**
 * Before anything is declared: refuse an install whose CRDs no longer serve a
 * version the live CRDs still store objects in (the `flux migrate` problem),
 * and one that would delete Flux CRDs that still hold objects.
 * A cluster that cannot be reached is not checked (the deployment itself will
 * fail there); a fresh cluster has no live CRDs and passes.
 */
export async function checkFluxUpgrade(flux: FluxSettings, objects: KubeObject[]): Promise<void> {
    const names = objects
        .filter((o) => o.kind === "CustomResourceDefinition")
        .map((o) => o.metadata.name);
    if (names.length === 0) return;
    const shown = flux.confidential ? undefined : flux.version;
    let live;
    try {
        live = await liveCrdReader()(names);
    } catch (e) {
        pulumi.log.warn(
            `Could not read the Flux CRDs from the cluster to check their stored versions before installing ${shown ?? "the configured release"} ` +
                `(${(e as Error).message}); the check is skipped.`,
        );
        return;
    }
    const conflicts = storedVersionConflicts(live, objects);
    if (conflicts.length > 0) {
        throw new UpgradeRefusedError(storedVersionRefusal(shown, conflicts));
    }
    // Kept on destroy, a CRD that leaves the install stays in the cluster with its objects.
    const dropped = flux.keepOnDestroy ? [] : droppedCrdsWithObjects(live, objects);
    if (dropped.length > 0) throw new UpgradeRefusedError(droppedCrdRefusal(dropped));
}
