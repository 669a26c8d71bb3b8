import * as fs from "fs";
import * as path from "path";
import { Document, LineCounter, parseDocument } from "yaml";
import { PROJECT } from "../../stacks";
import { Layer } from "../../flux/layers";
import { PreflightContext, StackObject } from "./context";
import { checkDependencyOrder } from "./dependency-order";
import { Finding, sortFindings } from "./findings";
import { checkHealthChecks } from "./health-checks";
import { LayerContents, readLayer } from "./layer-contents";
import { checkSecrets, findSecretDocs } from "./secrets";
import { checkSopsConfig } from "./sops-config";
import { checkStackOwned } from "./stack-owned";
import { offsetOf, Repo } from "./yaml-files";

interface PreflightInput {
    /** The checkout of the GitOps repository. */
    repoDir: string;
    layers: Layer[];
    recipients?: string[];
    source: { kind: "GitRepository" | "OCIRepository"; name: string; namespace: string };
    /** The notification objects the stack declares (none when unset). */
    declared?: StackObject[];
    /** The stack file, to point at the line where a config key is set. */
    stackFile?: string;
}

/** Every check, against one repository; findings sorted, errors first. */
export function runPreflight(input: PreflightInput): Finding[] {
    const ctx: PreflightContext = {
        repo: new Repo(input.repoDir),
        layers: input.layers,
        recipients: input.recipients,
        source: input.source,
        declared: input.declared ?? [],
        keyAt: input.stackFile === undefined ? () => undefined : stackKeyLocator(input.stackFile),
    };
    const findings: Finding[] = [];
    const contents = input.layers
        .map((l) => readLayer(ctx, l, findings))
        .filter((c): c is LayerContents => c !== undefined);
    // Secrets anywhere below a layer path sit in Git, built or not.
    const files = [...new Set(contents.flatMap((c) => [...ctx.repo.manifests(c.dir), ...c.files]))]
        .filter((f) => ctx.repo.read(f).error === undefined)
        .sort();
    const secrets = findSecretDocs(ctx, files);
    findings.push(
        ...checkHealthChecks(ctx, contents),
        ...checkSecrets(ctx, secrets),
        ...checkSopsConfig(ctx, contents, secrets),
        ...checkDependencyOrder(ctx, contents),
        ...checkStackOwned(ctx, contents),
    );
    if (input.recipients === undefined) {
        findings.push({
            severity: "warning",
            rule: "sops-recipient",
            message:
                "the stack's age recipient is unknown, so the recipient checks were skipped; " +
                "pass --age-recipient (pulumi stack output ageRecipients) or --age-key-file",
            key: `${PROJECT}:ageKey`,
        });
    }
    return sortFindings(dedupe(findings));
}

/** The same problem found along two routes (a file shared by two layers) is told once. */
function dedupe(findings: Finding[]): Finding[] {
    const seen = new Set<string>();
    return findings.filter((f) => {
        const id = JSON.stringify([f.severity, f.rule, f.file, f.line, f.message]);
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
    });
}

/** Finds where a config key path is set in a stack file: `Pulumi.prod.yaml:31`. */
function stackKeyLocator(file: string): (p: (string | number)[]) => string | undefined {
    const lines = new LineCounter();
    const doc: Document = parseDocument(fs.readFileSync(file, "utf8"), { lineCounter: lines });
    return (p) => {
        const [head, ...rest] = p;
        const offset = offsetOf(doc, ["config", `${PROJECT}:${String(head)}`, ...rest]);
        if (offset === undefined) return undefined;
        return `${path.basename(file)}:${lines.linePos(offset).line}`;
    };
}
