import { execFileSync } from "child_process";

/** Runs the cached kubectl against $KUBECONFIG (set by run.sh). */
export function kubectl(args: string[], input?: string): string {
    return execFileSync("kubectl", args, {
        input,
        encoding: "utf8",
        stdio: ["pipe", "pipe", "pipe"],
    });
}

export interface Condition {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
}

/** The object as JSON, or undefined when it does not exist. */
export function getObject(kind: string, namespace: string, name: string): any | undefined {
    try {
        return JSON.parse(kubectl(["get", kind, name, "-n", namespace, "-o", "json"]));
    } catch (e) {
        if (String((e as { stderr?: string }).stderr ?? e).includes("NotFound")) return undefined;
        throw e;
    }
}

export function readyCondition(obj: any): Condition | undefined {
    return (obj?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === "Ready");
}

/** Asks Flux to reconcile now instead of at the next interval. */
export function requestReconcile(kind: string, namespace: string, name: string): void {
    kubectl([
        "annotate",
        "--overwrite",
        kind,
        name,
        "-n",
        namespace,
        `reconcile.fluxcd.io/requestedAt=${Date.now()}`,
    ]);
}

/**
 * Polls until `check` returns a value (not undefined), or fails after
 * `timeoutMs` with the last observation, so a failure says what was seen.
 */
export async function waitUntil<T>(
    what: string,
    check: () => T | undefined,
    timeoutMs: number,
    describe: () => string = () => "",
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const v = check();
        if (v !== undefined) return v;
        if (Date.now() > deadline) {
            throw new Error(
                `timed out after ${timeoutMs / 1000}s waiting for ${what}\n${describe()}`,
            );
        }
        await new Promise((r) => setTimeout(r, 500));
    }
}

/** One line per Kustomization and GitRepository: name, Ready status and message. */
export function fluxStatus(namespace: string): string {
    const out: string[] = [];
    for (const kind of ["gitrepositories", "kustomizations"]) {
        const list = JSON.parse(kubectl(["get", kind, "-n", namespace, "-o", "json"]));
        for (const o of list.items) {
            const c = readyCondition(o);
            out.push(
                `${o.kind}/${o.metadata.name}: ${c?.status ?? "?"} ${c?.reason ?? ""} ${c?.message ?? ""}`,
            );
        }
    }
    return out.join("\n");
}
