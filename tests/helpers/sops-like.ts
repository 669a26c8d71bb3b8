import * as crypto from "crypto";
import { parseDocument } from "yaml";

/**
 * Gives a Secret manifest the shape a `sops --encrypt` with age leaves: every
 * data/stringData value replaced by an `ENC[…]` string and a `sops:` block
 * whose `age` entries name the recipients, each with the data key really
 * age-encrypted for it (by the age library). Nothing can decrypt the values:
 * preflight only reads the metadata, which is all this needs to be faithful to.
 */
export async function sopsLikeEncrypt(text: string, recipients: string[]): Promise<string> {
    const age = await import("age-encryption");
    const doc = parseDocument(text);
    const enc = () =>
        `ENC[AES256_GCM,data:${crypto.randomBytes(12).toString("base64")},iv:${crypto.randomBytes(32).toString("base64")},tag:${crypto.randomBytes(16).toString("base64")},type:str]`;
    for (const field of ["data", "stringData"]) {
        const values = doc.get(field) as { items?: { value: unknown }[] } | undefined;
        for (const item of values?.items ?? []) {
            (item as { value: unknown }).value = doc.createNode(enc());
        }
    }
    const dataKey = crypto.randomBytes(32);
    const entries = [];
    for (const recipient of recipients) {
        const e = new age.Encrypter();
        e.addRecipient(recipient);
        entries.push({ recipient, enc: age.armor.encode(await e.encrypt(dataKey)) });
    }
    doc.set(
        "sops",
        doc.createNode({
            age: entries,
            lastmodified: "2026-11-29T12:00:00Z",
            mac: enc(),
            encrypted_regex: "^(data|stringData)$",
            version: "3.13.2",
        }),
    );
    return doc.toString();
}
