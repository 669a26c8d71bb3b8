import { applyPatch, Operation, validate } from "fast-json-patch";
import type * as Yaml from "yaml";
import { groupVersion, KubeObject } from "./objects";

/**
 * Which objects a patch changes, as in a kustomize patch target (and
 * `FluxInstance.spec.kustomize.patches[].target`): every field set must match.
 * `kind`, `name` and `namespace` are regular expressions matched against the
 * whole value; the selectors are equality-based label/annotation selectors.
 */
export interface PatchTarget {
    group?: string;
    version?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    /** e.g. `app.kubernetes.io/component=helm-controller,tier!=web,!legacy` */
    labelSelector?: string;
    annotationSelector?: string;
}

/** A free-form patch: a strategic-merge patch (a YAML map) or a JSON 6902 patch (a YAML list of operations). */
export interface InstallPatch {
    patch: string;
    target?: PatchTarget;
}

export type ParsedPatch =
    { type: "strategic"; body: Record<string, unknown> } | { type: "json6902"; ops: Operation[] };

/** Reads a patch's text; throws with what is expected when it is neither form. */
export function parsePatch(text: string): ParsedPatch {
    let body: unknown;
    try {
        // Loaded for patches only, so a run with none never loads the parser.
        body = (require("yaml") as typeof Yaml).parse(text);
    } catch (e) {
        throw new Error(`the patch is not valid YAML (${(e as Error).message.split("\n")[0]})`);
    }
    if (Array.isArray(body)) {
        const error = validate(body as Operation[]);
        if (error !== undefined) {
            throw new Error(`JSON 6902 operation ${error.index} is invalid: ${error.name}`);
        }
        return { type: "json6902", ops: body as Operation[] };
    }
    if (typeof body === "object" && body !== null) {
        return { type: "strategic", body: body as Record<string, unknown> };
    }
    throw new Error(
        "a strategic-merge patch (a YAML map) or a JSON 6902 patch (a list of operations)",
    );
}

const whole = (re: string, value: string | undefined) =>
    new RegExp(`^(?:${re})$`).test(value ?? "");

/** Equality-based selector: `k=v`, `k==v`, `k!=v`, `k` (exists), `!k` (absent), comma-separated. */
export function matchesSelector(selector: string, labels: Record<string, string> = {}): boolean {
    return selector
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== "")
        .every((term) => {
            const ne = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term);
            if (ne) return labels[ne[1]] !== ne[2];
            const eq = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term);
            if (eq) return labels[eq[1]] === eq[2];
            if (term.startsWith("!")) return !(term.slice(1) in labels);
            return term in labels;
        });
}

export function matchesTarget(o: KubeObject, t: PatchTarget): boolean {
    const gv = groupVersion(o);
    return (
        (t.group === undefined || t.group === gv.group) &&
        (t.version === undefined || t.version === gv.version) &&
        (t.kind === undefined || whole(t.kind, o.kind)) &&
        (t.name === undefined || whole(t.name, o.metadata.name)) &&
        (t.namespace === undefined || whole(t.namespace, o.metadata.namespace)) &&
        (t.labelSelector === undefined || matchesSelector(t.labelSelector, o.metadata.labels)) &&
        (t.annotationSelector === undefined ||
            matchesSelector(t.annotationSelector, o.metadata.annotations))
    );
}

const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

const namedList = (v: unknown): v is { name: string }[] =>
    Array.isArray(v) && v.every((x) => isMap(x) && typeof x.name === "string");

/**
 * Strategic merge as far as Flux's objects need it: maps merge key by key,
 * `null` removes a key, lists of named items (containers, env, volumes,
 * volumeMounts, ports with names) merge item by item on `name`, other lists
 * are replaced.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
    if (isMap(target) && isMap(patch)) {
        const out: Record<string, unknown> = { ...target };
        for (const [k, v] of Object.entries(patch)) {
            if (v === null) delete out[k];
            else out[k] = strategicMerge(target[k], v);
        }
        return out;
    }
    if (namedList(target) && namedList(patch)) {
        const out: unknown[] = target.map((item) => {
            const p = patch.find((x) => x.name === item.name);
            return p === undefined ? item : strategicMerge(item, p);
        });
        for (const p of patch) if (!target.some((x) => x.name === p.name)) out.push(p);
        return out;
    }
    return structuredClone(patch);
}

/** The target a patch without one selects: the kind and name its own body names (strategic merge only). */
function implicitTarget(p: ParsedPatch): PatchTarget | undefined {
    if (p.type !== "strategic") return undefined;
    const meta = p.body.metadata as { name?: unknown } | undefined;
    if (typeof p.body.kind !== "string" || typeof meta?.name !== "string") return undefined;
    return { kind: escape(p.body.kind), name: escape(meta.name) };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Applies the patches in order. Throws, naming the patch by its index, when a
 * patch matches no object, has no target it can be applied by, or cannot be
 * applied (a JSON 6902 path that does not exist).
 */
export function withPatches(objects: KubeObject[], patches: InstallPatch[]): KubeObject[] {
    let out = structuredClone(objects);
    for (const [i, p] of patches.entries()) {
        let parsed: ParsedPatch;
        try {
            parsed = parsePatch(p.patch);
        } catch (e) {
            throw new PatchError(i, (e as Error).message);
        }
        const target = p.target ?? implicitTarget(parsed);
        if (target === undefined) {
            throw new PatchError(i, "a target (kind, name, labelSelector …) to select objects by");
        }
        let matched = 0;
        out = out.map((o) => {
            if (!matchesTarget(o, target)) return o;
            matched++;
            return applyOne(o, parsed, i);
        });
        if (matched === 0) {
            throw new PatchError(
                i,
                `a target that selects at least one object of the install; ${JSON.stringify(target)} selects none`,
            );
        }
    }
    return out;
}

function applyOne(o: KubeObject, p: ParsedPatch, index: number): KubeObject {
    if (p.type === "strategic") {
        // The object keeps its identity: a patch cannot rename or move what it patches.
        const { apiVersion: _a, kind: _k, ...body } = p.body;
        const merged = strategicMerge(o, body) as KubeObject;
        merged.metadata = { ...merged.metadata, name: o.metadata.name };
        if (o.metadata.namespace !== undefined) merged.metadata.namespace = o.metadata.namespace;
        return merged;
    }
    try {
        return applyPatch(structuredClone(o), p.ops, true, false).newDocument;
    } catch (e) {
        throw new PatchError(
            index,
            `operations that apply to ${o.kind}/${o.metadata.name} (${(e as Error).message.split("\n")[0]})`,
        );
    }
}

/** A patch that cannot be applied; `index` is its position in `flux.patches`. */
export class PatchError extends Error {
    constructor(
        public readonly index: number,
        public readonly expected: string,
    ) {
        super(`patch ${index}: expected ${expected}`);
        this.name = "PatchError";
    }
}
