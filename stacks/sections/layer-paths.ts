import { Layer, layerDir } from "../../flux/layers";
import { SectionContext } from "./context";

/** Whether deleting the layer's Kustomization makes Flux delete what it applied. */
function deletesOnRemoval(l: Layer): boolean {
    switch (l.deletionPolicy) {
        case "Delete":
        case "WaitForTermination":
            return true;
        case "Orphan":
            return false;
        default:
            return l.prune;
    }
}

/**
 * One owner per object: two layers with the same path would apply, and fight
 * over, the same objects; a layer whose path contains another's may take in
 * that layer's files, and then deleting it deletes them too — which must never
 * undo a layer's Orphan promise (its databases survive its deletion).
 */
export function checkLayerPaths(ctx: SectionContext, layers: Layer[]): void {
    const paths = layers.map((l) => layerDir(l.path));
    for (const [i, outer] of layers.entries()) {
        const contained: Layer[] = [];
        for (const [j, inner] of layers.entries()) {
            if (i === j) continue;
            const [a, b] = [paths[i], paths[j]];
            if (a === b && i > j) {
                ctx.problems.add(
                    "layers",
                    [outer.name, "path"],
                    outer.path,
                    `a path of its own; layer \`${inner.name}\` applies ${inner.path} already, ` +
                        "and two layers applying the same objects undo each other's changes",
                );
            } else if (a !== b && (a === "" || b.startsWith(`${a}/`))) {
                contained.push(inner);
            }
        }
        if (contained.length > 0) checkContainedLayers(ctx, outer, contained);
    }
}

const names = (ls: Layer[]) => ls.map((l) => `\`${l.name}\` (${l.path})`).join(", ");

function checkContainedLayers(ctx: SectionContext, outer: Layer, inner: Layer[]): void {
    const orphans = inner.filter((l) => l.deletionPolicy === "Orphan");
    if (orphans.length > 0 && deletesOnRemoval(outer)) {
        ctx.problems.add(
            "layers",
            [outer.name, "deletionPolicy"],
            outer.deletionPolicy,
            `Orphan, or a path that does not contain theirs: ${names(orphans)} keep their objects ` +
                `when deleted (deletionPolicy Orphan), but \`${outer.name}\`'s path ${outer.path} ` +
                `contains them, and deleting \`${outer.name}\` (removing it, or \`pulumi destroy\`) ` +
                "would delete them",
        );
    } else {
        ctx.problems.warn(
            "layers",
            [outer.name, "path"],
            outer.path,
            `contains the paths of ${names(inner)}; if its kustomization.yaml (or the one Flux ` +
                "generates when there is none) takes in their files, both layers apply them",
        );
    }
}
