import { durationSeconds } from "../stacks/duration";

/** How `pulumi up` waits for a Flux object. */
export interface ReadinessArgs {
    /** Wait at all; off for stacks that must not block on Flux (e.g. first install without a reachable repo). */
    enabled: boolean;
    /** Give up after this long (Flux duration). */
    timeout: string;
}

/**
 * Annotations that make @pulumi/kubernetes (>= 4.18) wait until the object's
 * `Ready` condition is `True`, and fail with the object's own condition message
 * when it does not get there in time. None when waiting is off or the object is
 * suspended (a suspended object never becomes Ready).
 */
export function readinessAnnotations(r: ReadinessArgs, suspended = false): Record<string, string> {
    if (!r.enabled || suspended) {
        return {};
    }
    return {
        "pulumi.com/waitFor": "condition=Ready",
        "pulumi.com/timeoutSeconds": String(durationSeconds(r.timeout)),
    };
}
