import { z } from "zod";
import { dockerConfigJson } from "../../flux/install";
import { configKey } from "../problems";
import { OCI_EXPECT, ociSchema } from "../oci-schema";
import { mayHoldCredentials } from "../redact";
import { fits } from "../schema";
import { OciSettings } from "../../flux/oci";
import { confidential, parseSection, SectionContext } from "./context";
import { readSecret, secretProblem } from "./secrets";

/** The OCI source with the pull Secret's content plain; the loader wraps it as a secret. */
export type ParsedOci = z.output<typeof ociSchema> & {
    dockerConfigJson?: string;
    confidential?: boolean;
};
fits<ParsedOci, OciSettings<string>>();

/** `oci` and its secret keys: an OCIRepository the layers build from, instead of Git. */
export function parseOci(ctx: SectionContext): ParsedOci | undefined {
    const before = ctx.problems.count;
    if (ctx.raw.git !== undefined) {
        ctx.problems.addDescribed(
            "oci",
            [],
            "(set)",
            `unset while \`${configKey(["git"])}\` is set: the layers build from one source; remove one of them`,
        );
    }
    const oci = parseSection(ctx, "oci", ociSchema);
    if (oci === undefined) return undefined;
    if (mayHoldCredentials(oci.url)) {
        // Shown with the query redacted (problems.ts): it is kept in plain text in the state.
        ctx.problems.add(
            "oci",
            ["url"],
            oci.url,
            `${OCI_EXPECT.url}, query or fragment: the URL is kept in plain text in the stack's state; ` +
                "give the credentials as ociUsername and ociPassword",
        );
        return undefined;
    }
    const config = pullConfig(ctx, oci);
    if (ctx.problems.count > before) return undefined;
    return {
        ...oci,
        ...(config !== undefined && { dockerConfigJson: config }),
        ...confidential(ctx, "oci"),
    };
}

/**
 * The pull Secret's `.dockerconfigjson` from `ociUsername` and `ociPassword`,
 * which go together and only with the generic provider; undefined without them.
 */
function pullConfig(
    ctx: SectionContext,
    oci: { url: string; provider: string },
): string | undefined {
    const given = (["ociUsername", "ociPassword"] as const).filter((k) => ctx.raw[k] !== undefined);
    if (given.length > 0 && oci.provider !== "generic") {
        for (const k of given) {
            secretProblem(
                ctx,
                k,
                `unset when \`${configKey(["oci", "provider"])}\` is ${oci.provider}: the cloud provider's workload identity authenticates`,
            );
        }
    } else if (given.length === 1) {
        // Read for its own checks too (a password stored in plain text), so all come at once.
        readSecret(ctx, given[0]);
        const missing = given[0] === "ociUsername" ? "ociPassword" : "ociUsername";
        secretProblem(
            ctx,
            missing,
            `set together with \`${configKey([given[0]])}\` (registry username and password or token)`,
        );
    } else if (given.length === 2) {
        const user = readSecret(ctx, "ociUsername");
        const password = readSecret(ctx, "ociPassword");
        if (user === undefined || password === undefined) return undefined;
        const host = oci.url.slice("oci://".length).split("/")[0];
        return dockerConfigJson(host, `${user}:${password}`);
    }
    return undefined;
}
