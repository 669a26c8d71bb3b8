/**
 * Finding secrets where they must not be: as given, or base64-encoded as a Kubernetes Secret
 * holds them (the encoding of a whole key file does not contain the encoding of the key).
 */

import * as fs from "fs";
import * as path from "path";

const BASE64_RUN = /[A-Za-z0-9+/]{16,}={0,2}/g;

/** Whether `text` holds one of `secrets`, in plain text or inside a base64 run. */
export function revealsSecret(text: string, secrets: string[]): boolean {
    if (secrets.some((s) => text.includes(s))) return true;
    for (const run of text.match(BASE64_RUN) ?? []) {
        const decoded = Buffer.from(run, "base64").toString("utf8");
        if (secrets.some((s) => decoded.includes(s))) return true;
    }
    return false;
}

/**
 * JSON paths of the strings in `value` that reveal one of `secrets`; a string holding JSON (a
 * secret envelope's `plaintext`) is searched inside, its path continued after `<json>`.
 */
export function secretPaths(value: unknown, secrets: string[], at = "$"): string[] {
    if (typeof value === "string") {
        const nested = parseJson(value);
        if (nested !== undefined) return secretPaths(nested, secrets, `${at}<json>`);
        return revealsSecret(value, secrets) ? [at] : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((x, i) => secretPaths(x, secrets, `${at}[${i}]`));
    }
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, x]) => secretPaths(x, secrets, `${at}.${k}`));
    }
    return [];
}

function parseJson(s: string): unknown {
    if (!/^\s*[[{"]/.test(s)) return undefined;
    try {
        return JSON.parse(s);
    } catch {
        return undefined;
    }
}

/** Every file under `dir`, concatenated: a file backend's state, to search for secrets. */
export function readTree(dir: string): string {
    let out = "";
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        out += e.isDirectory() ? readTree(p) : fs.readFileSync(p, "utf8");
    }
    return out;
}
