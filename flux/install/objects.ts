import type * as Yaml from "yaml";
import { splitApiVersion } from "../keys";

/** One Kubernetes object of the install manifest, as plain data. */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        [key: string]: unknown;
    };
    [key: string]: unknown;
}

/** Flux labels every object of a controller with the controller's name. */
export const COMPONENT_LABEL = "app.kubernetes.io/component";

/** The container Flux runs each controller in. */
export const MANAGER_CONTAINER = "manager";

/** The manifests parsed in this process, by text: a run checks and builds the same one. */
const parsed = new Map<string, KubeObject[]>();
const PARSED_KEPT = 4;

/**
 * The objects of a multi-document YAML manifest, in file order. Empty documents
 * (a leading `---`, trailing separators) are skipped; anything that is not an
 * object with apiVersion, kind and metadata.name is an error naming the document.
 * Each text is parsed once per process; every call gets its own copy of the objects.
 */
export function parseManifest(text: string): KubeObject[] {
    let objects = parsed.get(text);
    if (objects === undefined) {
        objects = parseDocuments(text);
        keep(text, objects);
    }
    return structuredClone(objects);
}

/**
 * Seeds this process's parsed manifests with `objects`, parsed from `text` earlier (a cache of
 * earlier runs' parses): the next parseManifest(text) returns copies of them without parsing.
 * The objects become this module's; the caller keeps no reference to them.
 */
export function rememberManifest(text: string, objects: KubeObject[]): void {
    keep(text, objects);
}

function keep(text: string, objects: KubeObject[]): void {
    if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value as string);
    parsed.set(text, objects);
}

function parseDocuments(text: string): KubeObject[] {
    const objects: KubeObject[] = [];
    // Loaded on a parse only: a run whose manifest was parsed before never loads the parser.
    const { parseAllDocuments } = require("yaml") as typeof Yaml;
    for (const [i, doc] of parseAllDocuments(text).entries()) {
        if (doc.errors.length > 0) {
            throw new Error(`document ${i + 1} is not valid YAML: ${doc.errors[0].message}`);
        }
        const value: unknown = doc.toJS();
        if (value === null || value === undefined) continue;
        if (!isKubeObject(value)) {
            throw new Error(
                `document ${i + 1} is not a Kubernetes object (apiVersion, kind and metadata.name)`,
            );
        }
        objects.push(value);
    }
    return objects;
}

/** An object with apiVersion, kind and metadata.name, as every install object has. */
export function isKubeObject(v: unknown): v is KubeObject {
    const o = v as Partial<KubeObject>;
    return (
        typeof v === "object" &&
        v !== null &&
        typeof o.apiVersion === "string" &&
        typeof o.kind === "string" &&
        typeof o.metadata?.name === "string"
    );
}

/** `group/version` split; core objects have the group "". */
export function groupVersion(o: KubeObject): { group: string; version: string } {
    return splitApiVersion(o.apiVersion);
}

export type PodSpec = Record<string, unknown> & { containers?: Container[] };
export type Container = Record<string, unknown> & { name: string; image?: string; args?: string[] };

/** The pod template's spec of a Deployment (undefined for any other kind). */
export function podSpecOf(o: KubeObject): PodSpec | undefined {
    if (o.kind !== "Deployment") return undefined;
    const spec = o.spec as { template?: { spec?: PodSpec } } | undefined;
    return spec?.template?.spec;
}

/** The controller's own container; Flux names it `manager` in every controller. */
export function managerOf(o: KubeObject): Container | undefined {
    return podSpecOf(o)?.containers?.find((c) => c.name === MANAGER_CONTAINER);
}

/** A deep copy, so the transforms never change their input. */
export function cloneAll(objects: KubeObject[]): KubeObject[] {
    return structuredClone(objects);
}

/** Copies `objects` and applies `edit` to every Deployment's copy. */
export function editDeployments(
    objects: KubeObject[],
    edit: (deployment: KubeObject) => void,
): KubeObject[] {
    const copy = cloneAll(objects);
    for (const o of copy) if (o.kind === "Deployment") edit(o);
    return copy;
}
