import * as fs from "fs";
import * as path from "path";
import { isKubeObject, KubeObject, sha256Hex } from "../flux/install";

/**
 * The install manifest parsed once per content, not once per preview: parsing Flux's install.yaml
 * is most of what the program's own CPU costs above the objects it declares (bench/README.md,
 * "`pulumi preview`"). Entries are keyed by the text's sha256 and the parser's version and hold
 * what that parser produced, so a hit gives exactly the objects a parse would.
 *
 * Never cached: a confidential manifest (its key is a Pulumi secret) or one holding a Secret,
 * whose content must not be written anywhere in plain text; objects JSON cannot carry exactly.
 * A cache that cannot be read or written is skipped without a word: it only saves time.
 */
export interface ManifestCache {
    read(text: string): KubeObject[] | undefined;
    write(text: string, objects: KubeObject[]): void;
}

/** node_modules/.cache, where tools keep what they can rebuild; `npm ci` starts it afresh. */
const DEFAULT_CACHE_DIR = path.resolve(__dirname, "..", "node_modules", ".cache", "flux-gitops");

/** Entries kept: a stack moving between releases, several stacks on different ones. */
export const KEPT_ENTRIES = 8;

/** What an entry was written by: a different parser (or entry layout) is a miss. */
function parserId(): string {
    const version = (require("yaml/package.json") as { version: string }).version;
    return `yaml@${version}/1`;
}

interface Entry {
    parser: string;
    objects: KubeObject[];
}

export function manifestCache(dir: string = DEFAULT_CACHE_DIR): ManifestCache {
    const file = (text: string) => path.join(dir, `${sha256Hex(text)}.json`);
    return {
        read(text) {
            const source = file(text);
            let entry: Partial<Entry>;
            try {
                entry = JSON.parse(fs.readFileSync(source, "utf8")) as Partial<Entry>;
            } catch {
                return undefined;
            }
            if (entry.parser !== parserId() || !Array.isArray(entry.objects)) return undefined;
            if (!entry.objects.every(isKubeObject)) return undefined;
            touch(source);
            return entry.objects;
        },
        write(text, objects) {
            if (!cacheable(objects)) return;
            const target = file(text);
            const temp = `${target}.${process.pid}.tmp`;
            try {
                fs.mkdirSync(dir, { recursive: true });
                fs.writeFileSync(temp, JSON.stringify({ parser: parserId(), objects }), {
                    mode: 0o644,
                });
                fs.renameSync(temp, target);
                prune(dir);
            } catch {
                removeQuietly(temp);
            }
        },
    };
}

/** No Secret (its data would be written in plain text) and nothing JSON would change. */
function cacheable(objects: KubeObject[]): boolean {
    return objects.every((o) => o.kind !== "Secret" && jsonExact(o));
}

function jsonExact(v: unknown): boolean {
    if (v === null || typeof v === "string" || typeof v === "boolean") return true;
    if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0);
    if (Array.isArray(v)) return v.every(jsonExact);
    if (typeof v !== "object" || Object.getPrototypeOf(v) !== Object.prototype) return false;
    return Object.entries(v).every(([k, x]) => k !== "__proto__" && jsonExact(x));
}

/** A hit counts as new, so the entries in use are the ones kept. */
function touch(file: string): void {
    const now = new Date();
    try {
        fs.utimesSync(file, now, now);
    } catch {
        // read-only: the entry stays as old as it was
    }
}

/** The KEPT_ENTRIES entries used last stay. */
function prune(dir: string): void {
    const entries = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
        .sort((a, b) => b.t - a.t);
    for (const { f } of entries.slice(KEPT_ENTRIES)) removeQuietly(path.join(dir, f));
}

function removeQuietly(file: string): void {
    try {
        fs.rmSync(file, { force: true });
    } catch {
        // another run removed it, or the folder is not writable
    }
}
