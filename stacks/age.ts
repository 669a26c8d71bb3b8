/** What an age key config value must hold. */
export const AGE_KEY_EXPECTED =
    "one or more age identities (AGE-SECRET-KEY-1…, one per line; '#' comments and blank lines allowed), " +
    "e.g. the output of `age-keygen`";

/**
 * The identity lines of an age key file, read as kustomize-controller reads
 * them (age's ParseIdentities): lines end at \n with a trailing \r dropped,
 * empty lines and lines starting with `#` are skipped, nothing is trimmed.
 */
function ageIdentityLines(keyFile: string): string[] {
    return keyFile
        .split("\n")
        .map((l) => l.replace(/\r$/, ""))
        .filter((l) => l !== "" && !l.startsWith("#"));
}

/**
 * The key file as it is stored in the cluster: every line trimmed, blank
 * lines dropped. A pasted key often carries indentation or trailing blanks,
 * which the controller would reject; this is the text that is checked.
 */
export function normaliseAgeKey(keyFile: string): string {
    const lines = keyFile
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== "");
    return `${lines.join("\n")}\n`;
}

/**
 * The public recipient of every identity in an age key file, derived by the
 * age-encryption library (which also checks the bech32 encoding).
 *
 * Throws a message that names the offending line by number only: the key text
 * must never reach an error message.
 */
export async function ageRecipients(keyFile: string): Promise<string[]> {
    // age-encryption is ESM-only; Node 20.19+ loads it through import().
    const age = await import("age-encryption");
    const lines = ageIdentityLines(keyFile);
    if (lines.length === 0) {
        throw new Error("it holds no identity");
    }
    const recipients: string[] = [];
    for (const [i, line] of lines.entries()) {
        // Post-quantum (AGE-SECRET-KEY-PQ-1…) and plugin identities are not understood by SOPS.
        if (!/^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(line)) {
            throw new Error(`identity ${i + 1} is not an X25519 age identity`);
        }
        try {
            recipients.push(await age.identityToRecipient(line));
        } catch {
            throw new Error(
                `identity ${i + 1} is not a valid age identity (bad encoding or checksum)`,
            );
        }
    }
    return recipients;
}
