import { z } from "zod";
import { readinessSchema } from "../config-schema";
import { parseSection, SectionContext, warnPlainOnly } from "./context";

/** `readiness`: whether and how long `pulumi up` waits for Flux objects to be Ready. */
export function parseReadiness(ctx: SectionContext): z.output<typeof readinessSchema> | undefined {
    const readiness = parseSection(ctx, "readiness", readinessSchema);
    if (readiness === undefined) return undefined;
    warnPlainOnly(ctx, "readiness", "annotations of the GitRepository and the layers");
    return readiness;
}
