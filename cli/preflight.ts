/**
 * npm run preflight -- --stack <name> --repo <checkout> [--age-recipient age1…]… [--age-key-file <file>|-]
 *
 * Cross-checks a stack's layers against the GitOps repository Flux will sync,
 * offline. Exit 1 when any error is found, 2 on a usage mistake.
 */
import * as fs from "fs";
import { parseFlags, UsageError, userPath } from "./args";
import { formatFinding } from "./preflight/findings";
import { runPreflight } from "./preflight/run";
import { recipientList } from "./preflight/sops-metadata";
import { stackDeclared } from "./preflight/stack-owned";
import { loadOfflineStack } from "./stack-config";
import { ageRecipients } from "../stacks/age";

const USAGE =
    "usage: npm run preflight -- --stack <name> --repo <path> [--age-recipient <age1…>]... [--age-key-file <file>|-]";

/** X25519 recipients: `age1` and 58 bech32 characters. */
const RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/**
 * The stack's public recipients without its secret when possible: given on the
 * command line (`pulumi stack output ageRecipients`), else derived from a key
 * file (or stdin) by the age library. The key itself is never printed.
 */
export async function resolveRecipients(flags: {
    "age-recipient"?: string[];
    "age-key-file"?: string;
}): Promise<string[] | undefined> {
    const given = recipientList(flags["age-recipient"] ?? []).flatMap((r) => r.split(/\s+/));
    const bad = given.filter((r) => !RECIPIENT.test(r));
    if (bad.length > 0) {
        // A private key pasted here by mistake must not be echoed back into CI logs.
        const shown = /SECRET/i.test(bad[0])
            ? "[an age identity, not shown]"
            : JSON.stringify(bad[0]);
        throw new UsageError(
            `--age-recipient ${shown}: expected an age X25519 recipient (age1 followed by 58 characters); ` +
                "a private key belongs in --age-key-file",
        );
    }
    if (given.length > 0) return given;
    const file = flags["age-key-file"];
    if (file === undefined) return undefined;
    const text =
        file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(userPath(file), "utf8");
    try {
        return await ageRecipients(text);
    } catch (e) {
        throw new UsageError(`--age-key-file ${file}: ${(e as Error).message}`);
    }
}

async function main(argv: string[]): Promise<number> {
    const flags = parseFlags(argv, {
        stack: { type: "string" },
        repo: { type: "string" },
        "age-recipient": { type: "string", multiple: true },
        "age-key-file": { type: "string" },
    });
    if (flags.stack === undefined) throw new UsageError("--stack is required");
    if (flags.repo === undefined) throw new UsageError("--repo is required");
    const repoDir = userPath(flags.repo);
    if (!fs.existsSync(repoDir) || !fs.statSync(repoDir).isDirectory()) {
        throw new UsageError(`--repo ${flags.repo}: no such folder`);
    }
    const recipients = await resolveRecipients(flags);
    const stack = await loadOfflineStack(flags.stack);
    const findings = runPreflight({
        repoDir,
        layers: stack.parsed.layers,
        recipients,
        source: {
            ...(stack.parsed.source.kind === "oci"
                ? { kind: "OCIRepository" as const, name: stack.parsed.source.oci.repositoryName }
                : { kind: "GitRepository" as const, name: stack.parsed.source.git.repositoryName }),
            namespace: stack.parsed.flux.namespace,
        },
        declared: stackDeclared(stack.parsed),
        stackFile: stack.file,
    });
    for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
    const errors = findings.filter((f) => f.severity === "error").length;
    const warnings = findings.length - errors;
    process.stdout.write(
        `preflight ${flags.stack} against ${repoDir}: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}\n`,
    );
    return errors > 0 ? 1 : 0;
}

/** What cli/main.ts starts. */
export const command = { usage: USAGE, main };
