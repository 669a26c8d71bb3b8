import { posix } from "path";
import { parse } from "yaml";
import { layerDir } from "../../flux/layers";
import { Desired } from "./desired";
import { Kube, KubeObject, ObjectRef, refOf } from "./kube";
import { inventoryOf, KUSTOMIZE_GROUP, kustomizationRef, Root, sameRef } from "./root";

/**
 * kustomize's record of the file an object was built from (`buildMetadata: [originAnnotations]`
 * in a kustomization.yaml): `path:` relative to the folder the build ran in, the root's path.
 */
export const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";

/** An object another Kustomization applies too: it keeps reconciling it. */
interface Kept {
    ref: ObjectRef;
    by: ObjectRef[];
}

/** An object only the root applied, from a folder a layer of the stack will apply. */
interface Covered {
    ref: ObjectRef;
    folder: string;
    layer: string;
}

/** An object only the root applied that nothing reconciles after the takeover. */
export interface Unreconciled {
    ref: ObjectRef;
    /** The Git folder it comes from (`./…`), when the cluster records it. */
    folder?: string;
    /** For a Kustomization: what it applies itself, and after which Kustomizations. */
    applies?: { path: string; dependsOn: string[] };
}

/** What becomes of the root's objects that the stack does not declare. */
export interface Fates {
    kept: Kept[];
    covered: Covered[];
    unreconciled: Unreconciled[];
}

/** `./dir` for messages, from a repository-relative directory (`` is the repository's root). */
export const shownDir = (dir: string) => (dir === "" ? "./" : `./${dir}`);

/** `dir` is `outer` or inside it (both repository-relative, as layerDir gives them). */
const inside = (dir: string, outer: string) =>
    outer === "" || dir === outer || dir.startsWith(`${outer}/`);

/**
 * Sorts the objects of the root's inventory that the stack does not declare: kept when another
 * Kustomization applies them too (from its inventory), covered when they come from a folder a
 * layer of the stack will apply (a layer `pulumi up` creates, or whose path it changes), and
 * unreconciled otherwise. A layer the stack keeps as it is applies what its inventory holds, no
 * more: its path is not taken as covering a folder.
 */
export function sortUnowned(kube: Kube, want: Desired, root: Root, unowned: ObjectRef[]): Fates {
    const others = kube
        .list(KUSTOMIZE_GROUP, "v1", "Kustomization")
        .filter((k) => !sameRef(refOf(k), root.ref));
    const changing = changingLayers(want, others);
    const keepers = others.filter(
        (k) => !changing.some((l) => sameRef(refOf(k), kustomizationRef(want.namespace, l.name))),
    );
    const fates: Fates = { kept: [], covered: [], unreconciled: [] };
    for (const ref of unowned) {
        const by = keepers.filter((k) => inventoryOf(k).some((r) => sameRef(r, ref))).map(refOf);
        if (by.length > 0) {
            fates.kept.push({ ref, by });
            continue;
        }
        const live = kube.get(ref);
        const folder = originFolder(live, layerDir(root.path));
        const layer =
            folder === undefined ? undefined : changing.find((l) => inside(folder, l.dir));
        if (folder !== undefined && layer !== undefined) {
            fates.covered.push({ ref, folder: shownDir(folder), layer: layer.name });
        } else {
            fates.unreconciled.push(unreconciled(ref, live, folder));
        }
    }
    return fates;
}

/** The stack's layers that will apply another folder than now: new ones, or a changed path. */
function changingLayers(want: Desired, live: KubeObject[]): { name: string; dir: string }[] {
    return want.layers
        .map((l) => ({ name: l.name, dir: layerDir(String(l.spec.path ?? "")) }))
        .filter((l) => {
            const k = live.find((o) => sameRef(refOf(o), kustomizationRef(want.namespace, l.name)));
            return k === undefined || layerDir(String(k.spec?.path ?? "")) !== l.dir;
        });
}

function unreconciled(ref: ObjectRef, live: KubeObject | undefined, folder?: string): Unreconciled {
    const u: Unreconciled = { ref, ...(folder === undefined ? {} : { folder: shownDir(folder) }) };
    if (ref.group !== KUSTOMIZE_GROUP || ref.kind !== "Kustomization") return u;
    const deps = (live?.spec?.dependsOn ?? []) as { name: string }[];
    return {
        ...u,
        applies: {
            path: shownDir(layerDir(String(live?.spec?.path ?? ""))),
            dependsOn: deps.map((d) => d.name),
        },
    };
}

/**
 * The repository folder an object was built from, from kustomize's origin annotation; undefined
 * when it has none, comes from a remote base, or points outside the repository.
 */
export function originFolder(o: KubeObject | undefined, rootDir: string): string | undefined {
    const text = o?.metadata.annotations?.[ORIGIN_ANNOTATION];
    if (text === undefined) return undefined;
    let origin: Record<string, unknown> | null;
    try {
        origin = parse(text) as Record<string, unknown> | null;
    } catch {
        return undefined;
    }
    if (origin === null || typeof origin !== "object" || origin.repo !== undefined)
        return undefined;
    // A generated object (configMapGenerator, …) records the kustomization.yaml that made it.
    const file = [origin.path, origin.configuredIn].find((f) => typeof f === "string");
    if (file === undefined) return undefined;
    const dir = layerDir(posix.join(rootDir, posix.dirname(file as string)));
    return dir === ".." || dir.startsWith("../") ? undefined : dir;
}
