/**
 * What preflight reads of SOPS: the `sops:` metadata sops writes into each
 * encrypted YAML document, and the creation rules of `.sops.yaml`. Nothing is
 * decrypted; the metadata is plain YAML.
 */

/** An encrypted document carries a `sops` map with at least its MAC or one key group. */
export function isSopsEncrypted(doc: any): boolean {
    const s = doc?.sops;
    return (
        typeof s === "object" &&
        s !== null &&
        ("mac" in s || "age" in s || "key_groups" in s || "lastmodified" in s)
    );
}

/** The age recipients a document was encrypted for (`sops.age` and `sops.key_groups[].age`). */
export function encryptedFor(doc: any): string[] {
    const s = doc?.sops ?? {};
    const groups: any[] = [s, ...(Array.isArray(s.key_groups) ? s.key_groups : [])];
    return groups.flatMap((g) =>
        (Array.isArray(g?.age) ? g.age : [])
            .map((a: any) => a?.recipient)
            .filter((r: unknown): r is string => typeof r === "string"),
    );
}

/** An age field of a creation rule: a comma-separated string or a list of them. */
export function recipientList(v: unknown): string[] {
    const items = Array.isArray(v) ? v : [v];
    return items
        .filter((x): x is string => typeof x === "string")
        .flatMap((x) => x.split(","))
        .map((x) => x.trim())
        .filter((x) => x !== "");
}

/** The recipients a `.sops.yaml` creation rule encrypts for. */
export function ruleRecipients(rule: any): string[] {
    const groups: any[] = Array.isArray(rule?.key_groups) ? rule.key_groups : [];
    return [...recipientList(rule?.age), ...groups.flatMap((g) => recipientList(g?.age))];
}

/** Whether a value under data/stringData of an encrypted document is ciphertext. */
export function isCiphertext(v: unknown): boolean {
    return typeof v === "string" && v.startsWith("ENC[");
}
