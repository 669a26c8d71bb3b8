import * as path from "path";
import { Layer } from "../../flux/layers";
import { layerDir } from "../../flux/layers";
import { keyed, PreflightContext } from "./context";
import { Finding } from "./findings";
import { isObject, YamlDoc } from "./yaml-files";

/** An object a layer applies, with the namespace it ends up in. */
export interface DefinedObject {
    apiVersion: string;
    kind: string;
    name: string;
    /** After kustomize's `namespace:` and the layer's targetNamespace; `` when none. */
    namespace: string;
    doc: YamlDoc;
}

/** What Flux would build for a layer, as far as preflight can tell without kustomize. */
export interface LayerContents {
    layer: Layer;
    /** The layer path, repository-relative. */
    dir: string;
    objects: DefinedObject[];
    /** Every manifest file the build reads. */
    files: string[];
}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** A layer's build in progress: what it has read so far, and where its problems go. */
interface LayerWalk {
    ctx: PreflightContext;
    layer: Layer;
    contents: LayerContents;
    visited: Set<string>;
    fail(f: Omit<Finding, "severity" | "rule">, rule?: Finding["rule"]): void;
}

/** The kustomization entry that names a folder: where a problem with the folder is reported. */
type EntryAt = Pick<Finding, "file" | "line"> & { entry: string };

/**
 * Follows a layer's path the way kustomize-controller builds it: the
 * kustomization.yaml's `resources` (files and folders, recursively), or, when
 * the folder has none, every manifest below it (Flux generates one then).
 * Problems that would fail the build are findings of rule `layer-path`/`yaml`.
 */
export function readLayer(
    ctx: PreflightContext,
    layer: Layer,
    findings: Finding[],
): LayerContents | undefined {
    const dir = layerDir(layer.path);
    const pathKey = keyed(ctx, ["layers", layer.name, "path"]);
    const shown = dir === "" ? "the repository root" : dir;
    const walk: LayerWalk = {
        ctx,
        layer,
        contents: { layer, dir, objects: [], files: [] },
        visited: new Set(),
        fail: (f, rule = "layer-path") => findings.push({ severity: "error", rule, ...f }),
    };
    const problem = !ctx.repo.exists(dir)
        ? "does not exist"
        : !ctx.repo.isDirectory(dir)
          ? "is a file, not a folder"
          : undefined;
    if (problem !== undefined) {
        walk.fail({ file: dir, message: `layer ${layer.name}: ${shown} ${problem}`, ...pathKey });
        return undefined;
    }
    buildFolder(walk, dir, layer.targetNamespace);
    if (kustomizationFile(ctx, dir) === undefined && walk.contents.files.length === 0) {
        walk.fail({
            file: dir,
            message: `layer ${layer.name}: ${shown} holds neither a kustomization.yaml nor any manifest; Flux has nothing to build`,
            ...pathKey,
        });
    }
    return walk.contents;
}

function kustomizationFile(ctx: PreflightContext, folder: string): string | undefined {
    return KUSTOMIZATION_FILES.map((f) => path.posix.join(folder, f)).find((f) =>
        ctx.repo.exists(f),
    );
}

/** A file kustomize cannot parse fails the build: reported, and the build reads on. */
function readFile(w: LayerWalk, file: string) {
    const parsed = w.ctx.repo.read(file);
    if (parsed.error === undefined) return parsed;
    const { message, line } = parsed.error;
    w.fail({ file, line, message: `not valid YAML: ${message}` }, "yaml");
    return undefined;
}

function addFile(w: LayerWalk, file: string, namespace: string | undefined): void {
    if (!w.contents.files.includes(file)) w.contents.files.push(file);
    for (const doc of readFile(w, file)?.docs.filter((d) => isObject(d.value)) ?? []) {
        const v = doc.value;
        w.contents.objects.push({
            apiVersion: v.apiVersion,
            kind: v.kind,
            name: String(v.metadata?.name ?? ""),
            namespace: namespace ?? String(v.metadata?.namespace ?? ""),
            doc,
        });
    }
}

/**
 * Builds a folder. An outer namespace (the layer's targetNamespace, then outer kustomizations)
 * wins over inner ones. Only the layer's own folder (no `from`) may lack a kustomization.yaml
 * (Flux generates one); kustomize refuses any other.
 */
function buildFolder(
    w: LayerWalk,
    folder: string,
    outerNamespace: string | undefined,
    from?: EntryAt,
): void {
    if (w.visited.has(folder)) return;
    w.visited.add(folder);
    const kFile = kustomizationFile(w.ctx, folder);
    if (kFile === undefined && from !== undefined) {
        w.fail({
            file: from.file,
            line: from.line,
            message: `${from.entry} is a folder without a kustomization.yaml: the build of layer ${w.layer.name} fails`,
        });
    } else if (kFile === undefined) {
        buildGenerated(w, folder, outerNamespace);
    } else {
        const doc = readFile(w, kFile)?.docs[0];
        const k = doc?.value ?? {};
        const namespace =
            outerNamespace ?? (typeof k.namespace === "string" ? k.namespace : undefined);
        for (const field of ["resources", "components"]) {
            const entries: unknown[] = Array.isArray(k[field]) ? k[field] : [];
            for (const [i, entry] of entries.entries()) {
                if (typeof entry !== "string" || /^[a-z]+:\/\/|^github\.com\//.test(entry))
                    continue;
                const at = {
                    file: kFile,
                    line: doc?.line([field, i]),
                    entry: `${field} entry ${entry}`,
                };
                buildEntry(w, path.posix.normalize(path.posix.join(folder, entry)), namespace, at);
            }
        }
    }
}

/** One local entry of a kustomization's `resources` or `components`: a file or a folder. */
function buildEntry(
    w: LayerWalk,
    target: string,
    namespace: string | undefined,
    at: EntryAt,
): void {
    const where = { file: at.file, line: at.line };
    if (target === ".." || target.startsWith("../")) {
        w.fail({ ...where, message: `${at.entry} points outside the repository` });
    } else if (!w.ctx.repo.exists(target)) {
        w.fail({
            ...where,
            message: `${at.entry} does not exist (${target}): the build of layer ${w.layer.name} fails`,
        });
    } else if (w.ctx.repo.isDirectory(target)) {
        buildFolder(w, target, namespace, at);
    } else {
        addFile(w, target, namespace);
    }
}

/**
 * Without a kustomization.yaml Flux takes every manifest below the folder; sub-folders with
 * their own are built as such.
 */
function buildGenerated(w: LayerWalk, folder: string, namespace: string | undefined): void {
    for (const file of w.ctx.repo.manifests(folder)) {
        const owner = ancestorsWithin(folder, path.posix.dirname(file)).find(
            (d) => kustomizationFile(w.ctx, d) !== undefined,
        );
        if (owner !== undefined) buildFolder(w, owner, namespace);
        else addFile(w, file, namespace);
    }
}

/** Folders from just below `root` down to `dir`, outermost first. */
function ancestorsWithin(root: string, dir: string): string[] {
    const out: string[] = [];
    for (let d = dir; d !== root && d !== "." && d !== ""; d = path.posix.dirname(d))
        out.unshift(d);
    return out;
}
