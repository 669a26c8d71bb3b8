import * as fs from "fs";
import * as path from "path";
import { Document, LineCounter, parseAllDocuments } from "yaml";

/** One YAML document of a repository file, with a way back to its lines. */
export interface YamlDoc {
    /** Repository-relative path, POSIX separators. */
    file: string;
    /** The document as plain data. */
    value: any;
    /** 1-based line of the node at `p` (of the document when `p` is absent or not found). */
    line(p?: (string | number)[]): number | undefined;
}

export interface YamlFile {
    file: string;
    docs: YamlDoc[];
    /** The parser's first complaint, when the file is not valid YAML. */
    error?: { message: string; line?: number };
}

export const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];

/** Every document of a YAML text, each able to tell the line of any of its nodes. */
export function parseYaml(file: string, text: string): YamlFile {
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
            line: (p) => {
                const node = p === undefined ? doc.contents : doc.getIn(p, true);
                const range = (node as { range?: [number, number, number] } | undefined)?.range;
                return lineAt(range?.[0]) ?? lineAt(doc.contents?.range?.[0]);
            },
        });
    }
    return result;
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
    const i = apiVersion.lastIndexOf("/");
    return i < 0 ? "" : apiVersion.slice(0, i);
}
