import * as path from "path";
import { keyed, PreflightContext } from "./context";
import { Finding } from "./findings";
import { LayerContents } from "./layer-contents";
import { SecretDoc } from "./secrets";
import { ruleRecipients } from "./sops-metadata";

const SOPS_CONFIG = ".sops.yaml";

interface CreationRule {
    index: number;
    line?: number;
    regex?: RegExp;
    recipients: string[];
}

/**
 * `.sops.yaml` decides which key `sops --encrypt` uses for a new file: the
 * first creation rule whose `path_regex` matches the path (a rule without one
 * matches everything). Every secret file of a layer must be covered by a rule
 * that includes the stack's recipient, or the next edit re-encrypts it for a
 * key the cluster does not hold. A layer with no secret yet is checked with
 * the names a new one would have; missing coverage there is only a warning.
 */
export function checkSopsConfig(
    ctx: PreflightContext,
    layers: LayerContents[],
    secrets: SecretDoc[],
): Finding[] {
    const findings: Finding[] = [];
    const rules = readRules(ctx, findings);
    if (rules === undefined) return findings;
    const secretFiles = [...new Set(secrets.map((s) => s.doc.file))];
    return [
        ...findings,
        ...checkSecretFiles(ctx, rules, secretFiles),
        ...checkLayerCoverage(ctx, rules, layers, secretFiles),
    ];
}

/** The rule sops uses for a new file at `file`: the first whose path_regex matches, if any. */
function firstMatch(rules: CreationRule[], file: string): CreationRule | undefined {
    return rules.find((r) => r.regex === undefined || r.regex.test(file));
}

const ruleId = (r: CreationRule) =>
    `creation rule ${r.index + 1}${r.regex ? ` (path_regex ${r.regex.source})` : ""}`;

/** Whether a rule encrypts for the stack's key (taken as yes when the key is not known). */
const forStack = (ctx: PreflightContext, r: CreationRule) =>
    ctx.recipients === undefined || r.recipients.some((x) => ctx.recipients?.includes(x));

/** Each secret file needs a rule, one that encrypts for the stack's key: errors, one per rule. */
function checkSecretFiles(
    ctx: PreflightContext,
    rules: CreationRule[],
    secretFiles: string[],
): Finding[] {
    const findings: Finding[] = [];
    const wrongRules = new Map<CreationRule, string[]>();
    for (const file of secretFiles) {
        const rule = firstMatch(rules, file);
        if (rule === undefined) {
            findings.push({
                severity: "error",
                rule: "sops-config",
                file,
                message: `no creation rule of ${SOPS_CONFIG} matches this file: sops cannot re-encrypt it without naming the key by hand`,
            });
        } else if (!forStack(ctx, rule)) {
            wrongRules.set(rule, [...(wrongRules.get(rule) ?? []), file]);
        }
    }
    for (const [rule, files] of wrongRules) {
        findings.push({
            severity: "error",
            rule: "sops-config",
            file: SOPS_CONFIG,
            line: rule.line,
            message:
                `${ruleId(rule)} encrypts for ${rule.recipients.join(", ") || "no age recipient"}, not for the stack's key ` +
                `(${ctx.recipients?.join(", ")}); it covers ${files[0]}${files.length > 1 ? ` and ${files.length - 1} more` : ""}`,
            ...keyed(ctx, ["ageKey"]),
        });
    }
    return findings;
}

/** A layer with no secret yet is checked with the names a new one would have: warnings. */
function checkLayerCoverage(
    ctx: PreflightContext,
    rules: CreationRule[],
    layers: LayerContents[],
    secretFiles: string[],
): Finding[] {
    const findings: Finding[] = [];
    for (const c of layers) {
        if (secretFiles.some((f) => c.files.includes(f) || f.startsWith(`${c.dir}/`))) continue;
        const probes = ["secret.yaml", "secret.sops.yaml"].map((n) => path.posix.join(c.dir, n));
        const rule = probes.map((p) => firstMatch(rules, p)).find((r) => r !== undefined);
        if (rule !== undefined && forStack(ctx, rule)) continue;
        findings.push({
            severity: "warning",
            rule: "sops-config",
            file: SOPS_CONFIG,
            line: rule?.line,
            message:
                rule === undefined
                    ? `no creation rule covers layer ${c.layer.name} (${probes.join(" or ")}): a Secret added there cannot be encrypted with a plain sops --encrypt`
                    : `${ruleId(rule)}, which covers layer ${c.layer.name}, does not encrypt for the stack's key`,
            ...keyed(ctx, ["layers", c.layer.name, "path"]),
        });
    }
    return findings;
}

function readRules(ctx: PreflightContext, findings: Finding[]): CreationRule[] | undefined {
    const fail = (message: string, line?: number) =>
        findings.push({ severity: "error", rule: "sops-config", file: SOPS_CONFIG, line, message });
    if (!ctx.repo.exists(SOPS_CONFIG)) {
        fail(
            `the repository has no ${SOPS_CONFIG}: sops cannot tell which key encrypts the layers' Secrets`,
        );
        return undefined;
    }
    const parsed = ctx.repo.read(SOPS_CONFIG);
    if (parsed.error !== undefined) {
        fail(`not valid YAML: ${parsed.error.message}`, parsed.error.line);
        return undefined;
    }
    const doc = parsed.docs[0];
    const list: unknown = doc?.value?.creation_rules;
    if (!Array.isArray(list) || list.length === 0) {
        fail("creation_rules is missing or empty", doc?.line());
        return undefined;
    }
    const rules: CreationRule[] = [];
    for (const [index, r] of list.entries()) {
        const line = doc.line(["creation_rules", index]);
        let regex: RegExp | undefined;
        if (typeof r?.path_regex === "string") {
            try {
                regex = new RegExp(r.path_regex);
            } catch (e) {
                fail(
                    `creation rule ${index + 1}: path_regex is not a valid regular expression (${(e as Error).message})`,
                    line,
                );
                continue;
            }
        }
        rules.push({ index, line, regex, recipients: ruleRecipients(r) });
    }
    return rules;
}
