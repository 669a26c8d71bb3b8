import { createHash } from "crypto";
import { durationSeconds } from "./duration";

/** How `pulumi up` waits for Flux objects. */
export interface ReadinessSettings {
    /** Wait for Ready at all. */
    enabled: boolean;
    /** Give up after this long (Flux duration). */
    timeout: string;
}

/** The annotation holding the token of what the object declares (see readinessAnnotations). */
export const APPLIED_ANNOTATION = "flux-gitops/applied";
const WAIT_FOR = "pulumi.com/waitFor";

/** A short digest of `declared`, the same for the same content. */
function tokenOf(declared: unknown): string {
    return createHash("sha256").update(JSON.stringify(declared)).digest("hex").slice(0, 16);
}

function waitFor(token: string): string {
    return JSON.stringify([
        "condition=Ready",
        `jsonpath={.metadata.annotations['${APPLIED_ANNOTATION}']}=${token}`,
    ]);
}

/**
 * Annotations that make @pulumi/kubernetes (>= 4.18) wait until the object's
 * `Ready` condition is `True`, and fail with the object's own condition message
 * when it does not get there in time. None when waiting is off or the object is
 * suspended (a suspended object never becomes Ready).
 *
 * The wait also requires the token of `declared` (what the object declares: its
 * spec and timeout). The provider watches through informers it shares between the
 * objects of a kind and namespace, and when an object that was Ready already is
 * updated, the watch can first hand back the object as it was before the update;
 * `condition=Ready` alone then ends the wait on that stale object and the state
 * keeps it, and the next preview proposes the same update again.
 * The object before the update does not carry this update's token.
 */
export function readinessAnnotations(
    r: ReadinessSettings,
    declared: unknown,
    suspended = false,
): Record<string, string> {
    if (!r.enabled || suspended) {
        return {};
    }
    const timeoutSeconds = String(durationSeconds(r.timeout));
    const token = tokenOf({ declared, timeoutSeconds });
    return {
        [WAIT_FOR]: waitFor(token),
        "pulumi.com/timeoutSeconds": timeoutSeconds,
        [APPLIED_ANNOTATION]: token,
    };
}

/**
 * `annotations` with their token extended by `extra`, for an annotation added to an object
 * after readinessAnnotations (the takeover's field manager): the object without it must not
 * end the wait either. Unchanged when the object does not wait.
 */
export function retoken(
    annotations: Record<string, unknown>,
    extra: unknown,
): Record<string, unknown> {
    const before = annotations[APPLIED_ANNOTATION];
    if (typeof before !== "string") return annotations;
    const token = tokenOf({ before, extra });
    return { ...annotations, [WAIT_FOR]: waitFor(token), [APPLIED_ANNOTATION]: token };
}
