import * as path from "path";
import { Layer } from "../../flux/layers";
import { keyed, layerDir, PreflightContext } from "./context";
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
    const fail = (f: Omit<Finding, "severity" | "rule">, rule: Finding["rule"] = "layer-path") =>
        findings.push({ severity: "error", rule, ...f });
    const shown = dir === "" ? "the repository root" : dir;
    if (!ctx.repo.exists(dir)) {
        fail({ file: dir, message: `layer ${layer.name}: ${shown} does not exist`, ...pathKey });
        return undefined;
    }
    if (!ctx.repo.isDirectory(dir)) {
        fail({
            file: dir,
            message: `layer ${layer.name}: ${shown} is a file, not a folder`,
            ...pathKey,
        });
        return undefined;
    }
    const contents: LayerContents = { layer, dir, objects: [], files: [] };
    const visited = new Set<string>();

    // A file kustomize cannot parse fails the build: report it, and read on.
    const read = (file: string) => {
        const parsed = ctx.repo.read(file);
        if (parsed.error === undefined) return parsed;
        const { message, line } = parsed.error;
        fail({ file, line, message: `not valid YAML: ${message}` }, "yaml");
        return undefined;
    };

    const addFile = (file: string, namespace: string | undefined) => {
        if (!contents.files.includes(file)) contents.files.push(file);
        for (const doc of read(file)?.docs.filter((d) => isObject(d.value)) ?? []) {
            const v = doc.value;
            contents.objects.push({
                apiVersion: v.apiVersion,
                kind: v.kind,
                name: String(v.metadata?.name ?? ""),
                namespace: namespace ?? String(v.metadata?.namespace ?? ""),
                doc,
            });
        }
    };

    // An outer namespace (the layer's targetNamespace, then outer kustomizations) wins over inner ones.
    // `from` is the kustomization entry that names the folder; only the layer's own folder may lack
    // a kustomization.yaml (Flux generates one), kustomize refuses any other.
    const build = (
        folder: string,
        outerNamespace: string | undefined,
        from?: Pick<Finding, "file" | "line"> & { entry: string },
    ) => {
        if (visited.has(folder)) return;
        visited.add(folder);
        const kFile = KUSTOMIZATION_FILES.map((f) => path.posix.join(folder, f)).find((f) =>
            ctx.repo.exists(f),
        );
        if (kFile === undefined && from !== undefined) {
            fail({
                file: from.file,
                line: from.line,
                message: `${from.entry} is a folder without a kustomization.yaml: the build of layer ${layer.name} fails`,
            });
            return;
        }
        if (kFile === undefined) {
            generated(folder, outerNamespace);
            return;
        }
        const parsed = read(kFile);
        if (parsed === undefined) return;
        const doc = parsed.docs[0];
        const k = doc?.value ?? {};
        const namespace =
            outerNamespace ?? (typeof k.namespace === "string" ? k.namespace : undefined);
        for (const field of ["resources", "components"]) {
            const entries: unknown[] = Array.isArray(k[field]) ? k[field] : [];
            for (const [i, entry] of entries.entries()) {
                if (typeof entry !== "string" || /^[a-z]+:\/\/|^github\.com\//.test(entry))
                    continue;
                const target = path.posix.normalize(path.posix.join(folder, entry));
                const at = { file: kFile, line: doc.line([field, i]) };
                if (target === ".." || target.startsWith("../")) {
                    fail({
                        ...at,
                        message: `${field} entry ${entry} points outside the repository`,
                    });
                } else if (!ctx.repo.exists(target)) {
                    fail({
                        ...at,
                        message: `${field} entry ${entry} does not exist (${target}): the build of layer ${layer.name} fails`,
                    });
                } else if (ctx.repo.isDirectory(target)) {
                    build(target, namespace, { ...at, entry: `${field} entry ${entry}` });
                } else {
                    addFile(target, namespace);
                }
            }
        }
    };

    // Without a kustomization.yaml Flux takes every manifest below the folder; sub-folders with their own are built as such.
    const generated = (folder: string, namespace: string | undefined) => {
        for (const file of ctx.repo.manifests(folder)) {
            const sub = path.posix.dirname(file);
            const owner = ancestorsWithin(folder, sub).find((d) =>
                KUSTOMIZATION_FILES.some((f) => ctx.repo.exists(path.posix.join(d, f))),
            );
            if (owner !== undefined) build(owner, namespace);
            else addFile(file, namespace);
        }
    };

    build(dir, layer.targetNamespace);
    const hasIndex = KUSTOMIZATION_FILES.some((f) => ctx.repo.exists(path.posix.join(dir, f)));
    if (!hasIndex && contents.files.length === 0) {
        fail({
            file: dir,
            message: `layer ${layer.name}: ${shown} holds neither a kustomization.yaml nor any manifest; Flux has nothing to build`,
            ...pathKey,
        });
    }
    return contents;
}

/** Folders from just below `root` down to `dir`, outermost first. */
function ancestorsWithin(root: string, dir: string): string[] {
    const out: string[] = [];
    for (let d = dir; d !== root && d !== "." && d !== ""; d = path.posix.dirname(d))
        out.unshift(d);
    return out;
}
