/** One thing preflight found. */
export interface Finding {
    severity: "error" | "warning";
    /** Which check found it (stable id, for readers and tests). */
    rule: Rule;
    /** Repository-relative file (POSIX separators), when the problem is in a file. */
    file?: string;
    line?: number;
    message: string;
    /** The stack config key the problem is about, e.g. `flux-gitops:layers.apps.path`. */
    key?: string;
    /** Where that key is set in the stack file (`Pulumi.prod.yaml:31`), when it is set there. */
    keyAt?: string;
}

type Rule =
    | "yaml"
    | "layer-path"
    | "health-check"
    | "plain-secret"
    | "sops-recipient"
    | "sops-config"
    | "dependency-order"
    | "stack-owned";

/** `error: gitops/apps/x.yaml:4: message [flux-gitops:layers.apps.path, Pulumi.prod.yaml:40] (layer-path)` */
export function formatFinding(f: Finding): string {
    const where =
        f.file === undefined ? "" : `${f.file}${f.line === undefined ? "" : `:${f.line}`}: `;
    const key =
        f.key === undefined ? "" : ` [${f.key}${f.keyAt === undefined ? "" : ` at ${f.keyAt}`}]`;
    return `${f.severity}: ${where}${f.message}${key} (${f.rule})`;
}

/** Errors first, then by file and line, so output is stable and reads top-down. */
export function sortFindings(findings: Finding[]): Finding[] {
    const sev = (f: Finding) => (f.severity === "error" ? 0 : 1);
    const cmp = (a = "", b = "") => (a < b ? -1 : a > b ? 1 : 0);
    return [...findings].sort(
        (a, b) =>
            sev(a) - sev(b) ||
            cmp(a.file, b.file) ||
            (a.line ?? 0) - (b.line ?? 0) ||
            cmp(a.message, b.message),
    );
}
