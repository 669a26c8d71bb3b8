import * as fs from "fs";
import * as path from "path";
import { splitApiVersion } from "../../flux/keys";
import { Document, isMap, isPair, LineCounter, parseAllDocuments } from "yaml";

/** One YAML document of a repository file, with a way back to its lines. */
export interface YamlDoc {
    /** Repository-relative path, POSIX separators. */
    file: string;
    /** The document as plain data. */
    value: any;
    /** 1-based line of the node at `p` (of the document when `p` is absent or not found). */
    line(p?: (string | number)[]): number | undefined;
}

interface YamlFile {
    file: string;
    docs: YamlDoc[];
    /** The parser's first complaint, when the file is not valid YAML. */
    error?: { message: string; line?: number };
}

const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];

/** Every document of a YAML text, each able to tell the line of any of its nodes. */
function parseYaml(file: string, text: string): YamlFile {
    const lines = new LineCounter();
    const result: YamlFile = { file, docs: [] };
    const lineAt = (offset: number | undefined) =>
        offset === undefined ? undefined : lines.linePos(offset).line;
    for (const doc of parseAllDocuments(text, { lineCounter: lines }) as Document[]) {
        const bad = doc.errors[0];
        if (bad !== undefined) {
            result.error = { message: bad.message.split("\n")[0], line: bad.linePos?.[0].line };
            break;
        }
        const value = doc.toJS();
        if (value === null || value === undefined) continue;
        result.docs.push({
            file,
            value,
            line: (p) => lineAt(offsetOf(doc, p ?? [])) ?? lineAt(doc.contents?.range?.[0]),
        });
    }
    return result;
}

type Ranged = { range?: [number, number, number] | null };

/**
 * Where the node at `p` starts: for a map entry, its key (so `healthChecks:`
 * points at the key's line, not at its first item); for a list item, the item.
 */
export function offsetOf(doc: Document, p: (string | number)[]): number | undefined {
    if (p.length === 0) return (doc.contents as Ranged | null)?.range?.[0];
    const last = p[p.length - 1];
    const parent = p.length === 1 ? doc.contents : doc.getIn(p.slice(0, -1), true);
    if (typeof last === "string" && isMap(parent)) {
        const pair = parent.items.find(
            (i) => isPair(i) && String((i.key as any)?.value ?? i.key) === last,
        );
        return (pair?.key as Ranged | undefined)?.range?.[0];
    }
    return (doc.getIn(p, true) as Ranged | undefined)?.range?.[0];
}

/** A checkout of the GitOps repository, each file parsed at most once per run. */
export class Repo {
    private readonly parsed = new Map<string, YamlFile>();

    constructor(public readonly dir: string) {}

    exists(rel: string): boolean {
        return fs.existsSync(path.join(this.dir, rel));
    }

    isDirectory(rel: string): boolean {
        return this.exists(rel) && fs.statSync(path.join(this.dir, rel)).isDirectory();
    }

    /** Reads and parses a repository file (layers often share files). */
    read(file: string): YamlFile {
        const hit = this.parsed.get(file);
        if (hit !== undefined) return hit;
        const result = parseYaml(file, fs.readFileSync(path.join(this.dir, file), "utf8"));
        this.parsed.set(file, result);
        return result;
    }

    /** Manifest files under a directory, sorted, repository-relative. Skips dot-folders. */
    manifests(dir: string): string[] {
        const out: string[] = [];
        const walk = (rel: string) => {
            for (const e of fs.readdirSync(path.join(this.dir, rel), { withFileTypes: true })) {
                if (e.name.startsWith(".")) continue;
                const child = rel === "" ? e.name : `${rel}/${e.name}`;
                if (e.isDirectory()) walk(child);
                else if (MANIFEST_EXTENSIONS.includes(path.extname(e.name))) out.push(child);
            }
        };
        walk(dir);
        return out.sort();
    }
}

/** A Kubernetes object: anything with a string apiVersion and kind. */
export function isObject(v: any): boolean {
    return (
        typeof v === "object" &&
        v !== null &&
        typeof v.apiVersion === "string" &&
        typeof v.kind === "string"
    );
}

/** The API group of an apiVersion (`helm.toolkit.fluxcd.io/v2` → `helm.toolkit.fluxcd.io`, `v1` → ``). */
export function apiGroup(apiVersion: string): string {
    return splitApiVersion(apiVersion).group;
}
