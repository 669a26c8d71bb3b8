import * as d from "../defaults";
import { readinessSchema } from "../schema";
import { ReadinessSettings } from "../types";
import { parseSection, SectionContext } from "./context";

/** `readiness`: whether and how long `pulumi up` waits for Flux objects to be Ready. */
export function parseReadiness(ctx: SectionContext): ReadinessSettings | undefined {
    const readiness = parseSection(ctx, "readiness", readinessSchema);
    if (readiness === undefined) return undefined;
    return {
        enabled: readiness.enabled ?? true,
        timeout: readiness.timeout ?? d.DEFAULT_READINESS_TIMEOUT,
    };
}
