/**
 * What Flux reports in an object's `status`, as plain values for the stack's
 * outputs: read from the objects as `pulumi up` last saw them (after waiting
 * for Ready, when readiness is on).
 */

/** A layer as `kubectl get kustomization` shows it: Ready and the revision it applied. */
export interface LayerStatus {
    /** The `Ready` condition's status: `True`, `False`, or `Unknown` (also when there is none yet). */
    ready: string;
    /** `status.lastAppliedRevision`, e.g. `main@sha1:…`; null before the first apply. */
    lastAppliedRevision: string | null;
}

type Condition = { type?: unknown; status?: unknown };
type FluxStatus = {
    conditions?: Condition[];
    lastAppliedRevision?: unknown;
    artifact?: { revision?: unknown };
    webhookPath?: unknown;
};

const asStatus = (status: unknown): FluxStatus =>
    typeof status === "object" && status !== null ? (status as FluxStatus) : {};
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** The `Ready` condition's status, `Unknown` when the object has none. */
export function readyOf(status: unknown): string {
    const conditions = asStatus(status).conditions;
    const ready = Array.isArray(conditions)
        ? conditions.find((c) => c?.type === "Ready")
        : undefined;
    return text(ready?.status) ?? "Unknown";
}

/** A Kustomization's Ready and last applied revision. */
export function layerStatusOf(status: unknown): LayerStatus {
    return {
        ready: readyOf(status),
        lastAppliedRevision: text(asStatus(status).lastAppliedRevision),
    };
}

/** A source's (GitRepository, OCIRepository) artifact revision; null before the first fetch. */
export function artifactRevisionOf(status: unknown): string | null {
    return text(asStatus(status).artifact?.revision);
}

/** A Receiver's `status.webhookPath` (`/hook/<sha256>`); null before notification-controller set it. */
export function webhookPathOf(status: unknown): string | null {
    return text(asStatus(status).webhookPath);
}
