import { keyed, PreflightContext } from "./context";
import { Finding } from "./findings";
import { encryptedFor, isCiphertext, isSopsEncrypted } from "./sops-metadata";
import { isObject, YamlDoc } from "./yaml-files";

/** A Secret with values, or any SOPS-encrypted document. */
export interface SecretDoc {
    doc: YamlDoc;
    encrypted: boolean;
}

const FIELDS = ["data", "stringData"] as const;

function holdsValues(v: any): boolean {
    return (
        isObject(v) &&
        v.kind === "Secret" &&
        FIELDS.some(
            (f) => typeof v[f] === "object" && v[f] !== null && Object.keys(v[f]).length > 0,
        )
    );
}

/** The documents of the given files that hold Secret values or SOPS metadata. */
export function findSecretDocs(ctx: PreflightContext, files: string[]): SecretDoc[] {
    return files.flatMap((file) =>
        ctx.repo
            .read(file)
            .docs.filter((d) => holdsValues(d.value) || isSopsEncrypted(d.value))
            .map((doc) => ({ doc, encrypted: isSopsEncrypted(doc.value) })),
    );
}

/**
 * A Secret in a layer path must be SOPS-encrypted, every value of it (an
 * `encrypted_regex` that misses `data` leaves it in clear); and every SOPS
 * document must be encrypted for the stack's key, or kustomize-controller
 * cannot decrypt it.
 */
export function checkSecrets(ctx: PreflightContext, secrets: SecretDoc[]): Finding[] {
    const findings: Finding[] = [];
    const wrongKey = new Set<string>();
    for (const { doc, encrypted } of secrets) {
        const v = doc.value;
        const id = `Secret ${v.metadata?.namespace ?? "(no namespace)"}/${v.metadata?.name ?? "?"}`;
        if (!encrypted) {
            findings.push({
                severity: "error",
                rule: "plain-secret",
                file: doc.file,
                line: doc.line(),
                message: `${id} holds ${FIELDS.filter((f) => f in v).join(" and ")} in clear text; encrypt it: sops --encrypt --in-place ${doc.file}`,
            });
        } else if (holdsValues(v)) {
            for (const f of FIELDS) {
                for (const [k, x] of Object.entries(v[f] ?? {})) {
                    if (isCiphertext(x)) continue;
                    findings.push({
                        severity: "error",
                        rule: "plain-secret",
                        file: doc.file,
                        line: doc.line([f, k]),
                        message: `${id}: ${f}.${k} is not encrypted although the file is a SOPS file; check encrypted_regex in .sops.yaml and re-encrypt`,
                    });
                }
            }
        }
        if (!encrypted || ctx.recipients === undefined || wrongKey.has(doc.file)) continue;
        const theirs = encryptedFor(v);
        if (theirs.some((r) => ctx.recipients?.includes(r))) continue;
        wrongKey.add(doc.file);
        findings.push({
            severity: "error",
            rule: "sops-recipient",
            file: doc.file,
            line: doc.line(["sops", "age"]) ?? doc.line(["sops"]),
            message:
                `encrypted for ${theirs.length > 0 ? theirs.join(", ") : "no age recipient"}, not for the stack's key ` +
                `(${ctx.recipients.join(", ")}): Flux cannot decrypt it; run sops updatekeys ${doc.file}`,
            ...keyed(ctx, ["ageKey"]),
        });
    }
    return findings;
}
