import { durationSeconds } from "../stacks/duration";
import { ReadinessSettings } from "../stacks/types";

export type ReadinessArgs = ReadinessSettings;

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
