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
export const WAIT_FOR = "pulumi.com/waitFor";

/** A short digest of `declared`, the same for the same content. */
export function tokenOf(declared: unknown): string {
    return createHash("sha256").update(JSON.stringify(declared)).digest("hex").slice(0, 16);
}

/** The waitFor expression that holds out for the object carrying `token`. */
function tokenCondition(token: string): string {
    return `jsonpath={.metadata.annotations['${APPLIED_ANNOTATION}']}=${token}`;
}

/**
 * `pulumi.com/waitFor` and the token: the provider waits for every one of `conditions` on the
 * object carrying this token (see readinessAnnotations for why the token).
 */
export function appliedAnnotations(
    conditions: readonly string[],
    token: string,
): Record<string, string> {
    return {
        [WAIT_FOR]: JSON.stringify([...conditions, tokenCondition(token)]),
        [APPLIED_ANNOTATION]: token,
    };
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
        ...appliedAnnotations(["condition=Ready"], token),
        "pulumi.com/timeoutSeconds": timeoutSeconds,
    };
}

/**
 * `annotations` with their token extended by `extra`, for an annotation added to an object
 * after readinessAnnotations (the takeover's field manager): the object without it must not
 * end the wait either. The object's other conditions stay. Unchanged when the object carries no
 * token.
 */
export function retoken(
    annotations: Record<string, unknown>,
    extra: unknown,
): Record<string, unknown> {
    const before = annotations[APPLIED_ANNOTATION];
    const waitFor = annotations[WAIT_FOR];
    if (typeof before !== "string" || typeof waitFor !== "string") return annotations;
    const others = (JSON.parse(waitFor) as string[]).filter((c) => c !== tokenCondition(before));
    return { ...annotations, ...appliedAnnotations(others, tokenOf({ before, extra })) };
}
