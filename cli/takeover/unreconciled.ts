import { layerDir } from "../../flux/layers";
import { PROJECT } from "../../stacks/defaults";
import { Desired } from "./desired";
import { Findings, findings } from "./findings";
import { describeRef } from "./kube";
import { ORIGIN_ANNOTATION, shownDir, Unreconciled } from "./inventory";
import { Root } from "./root";

/** The flag that accepts objects nothing reconciles after the takeover. */
export const LEAVE_UNRECONCILED = "--leave-unreconciled";

const LOST =
    "a commit to the folder would not deploy, a deletion from Git would not prune, drift would stay";

/**
 * Objects only the root applied and no layer of the stack will apply are refused, unless the
 * user accepts them with --leave-unreconciled: one refusal per Kustomization (it could become
 * a layer as it is), one per folder for the other objects; each says what to add to the stack.
 */
export function checkUnreconciled(
    root: Root,
    list: Unreconciled[],
    want: Desired,
    accept: boolean,
): Findings {
    if (accept || list.length === 0) return findings();
    const rootName = `the root ${describeRef(root.ref)}`;
    const refusals = list
        .filter((u) => u.applies !== undefined)
        .map((u) => kustomizationRefusal(u, rootName, root));
    const folders = new Map<string | undefined, Unreconciled[]>();
    for (const u of list.filter((x) => x.applies === undefined)) {
        folders.set(u.folder, [...(folders.get(u.folder) ?? []), u]);
    }
    for (const [folder, objects] of folders) {
        refusals.push(folderRefusal(folder, objects, rootName, root, want));
    }
    return findings({ refusals });
}

/** Where an object comes from, as far as the cluster tells. */
export function fromWhere(u: Unreconciled, root: Root): string {
    return u.folder === undefined
        ? `from a folder under ${shownDir(layerDir(root.path))}`
        : `from ${u.folder}`;
}

/** A layer's config in the stack file's YAML flow form. */
const layerConfig = (name: string, path: string, dependsOn: string[]) =>
    `${PROJECT}:layers.${name}: {path: ${path}, dependsOn: [${dependsOn.join(", ")}]}`;

function kustomizationRefusal(u: Unreconciled, rootName: string, root: Root): string {
    const { path, dependsOn } = u.applies!;
    return (
        `${describeRef(u.ref)} (${fromWhere(u, root)}) is applied only by ${rootName} and is not a layer of this stack: ` +
        `after the takeover nothing would reconcile it (it would keep applying ${path}, but a change to it in Git would ` +
        `not apply and removing it from Git would not prune it). Make it a layer of the stack ` +
        `(${layerConfig(u.ref.name, path, dependsOn)}, with its other spec fields), ` +
        `or run again with ${LEAVE_UNRECONCILED} to leave it unreconciled`
    );
}

function folderRefusal(
    folder: string | undefined,
    objects: Unreconciled[],
    rootName: string,
    root: Root,
    want: Desired,
): string {
    const one = objects.length === 1;
    const them = one ? "it" : "them";
    const head =
        `${objects.map((u) => describeRef(u.ref)).join(", ")} (${fromWhere(objects[0], root)}) ` +
        `${one ? "is" : "are"} applied only by ${rootName}, and no layer of this stack applies ` +
        `${folder === undefined ? them : "that folder"}: after the takeover nothing would reconcile ${them} (${LOST}). `;
    const leave = `run again with ${LEAVE_UNRECONCILED} to leave ${them} unreconciled`;
    if (folder === undefined) {
        // kustomize keeps the origin annotation only when the build's top kustomization asks for
        // it: a subfolder's buildMetadata is replaced by its parent's (kustomize/api KustTarget
        // accumulateDirectory), and the root's top one is its generated kustomization.yaml, or
        // the root's own spec.buildMetadata.
        return (
            head +
            `The cluster does not record which folder (no ${ORIGIN_ANNOTATION} annotation; kustomize writes it only when ` +
            `the top kustomization of the build asks for it, not a subfolder's kustomization.yaml): set buildMetadata: ` +
            `[originAnnotations] in the spec of ${rootName} in Git (gotk-sync.yaml; Flux 2.9 and later), let it apply, ` +
            `and run again to learn the folder and the layer config that covers it; or add a layer whose path holds ${them} ` +
            `to ${PROJECT}:layers and to Git next to the other layers' Kustomizations, so that the root applies it and it ` +
            `applies ${them} before the takeover; or ${leave}`
        );
    }
    return (
        head +
        `Add a layer for the folder to the stack (${layerConfig(layerName(folder, want), folder, chainEnds(want))}), or ${leave}`
    );
}

/** A name for a layer of the folder: its last segment, as a DNS label; its parent's too if taken. */
function layerName(folder: string, want: Desired): string {
    const label = (s: string) =>
        s
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/^-+|-+$/g, "") || "layer";
    const parts = layerDir(folder).split("/");
    const name = label(parts.at(-1) ?? "");
    const taken = want.layers.some((l) => l.name === name);
    return taken ? label(parts.slice(-2).join("-")) : name;
}

/**
 * The layers no other layer depends on: a new layer after them starts once every layer is
 * Ready, so whatever its folder needs from theirs (CRDs, namespaces, charts) is there.
 */
function chainEnds(want: Desired): string[] {
    const needed = new Set(
        want.layers.flatMap((l) =>
            ((l.spec.dependsOn ?? []) as { name: string }[]).map((d) => d.name),
        ),
    );
    return want.layers.map((l) => l.name).filter((n) => !needed.has(n));
}
