import * as d from "../defaults";
import { readinessSchema } from "../schema";
import { ReadinessSettings } from "../../flux/readiness";
import { parseSection, SectionContext, warnPlainOnly } from "./context";

/** `readiness`: whether and how long `pulumi up` waits for Flux objects to be Ready. */
export function parseReadiness(ctx: SectionContext): ReadinessSettings | undefined {
    const readiness = parseSection(ctx, "readiness", readinessSchema);
    if (readiness === undefined) return undefined;
    warnPlainOnly(ctx, "readiness", "annotations of the GitRepository and the layers");
    return {
        enabled: readiness.enabled ?? true,
        timeout: readiness.timeout ?? d.DEFAULT_READINESS_TIMEOUT,
    };
}
