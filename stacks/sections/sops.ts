import { AGE_KEY_EXPECTED, ageRecipients, normaliseAgeKey } from "../age";
import { z } from "zod";
import { sopsSchema } from "../config-schema";
import { configKey } from "../problems";
import { parseSection, SectionContext, warnPlainOnly } from "./context";
import { readSecret, secretProblem } from "./secrets";

/** The age key and the Secret kustomize-controller decrypts SOPS files with. */
export type SopsSettings = z.output<typeof sopsSchema> & {
    /** The age key file, plain here; the loader wraps it as a Pulumi secret. */
    ageKey: string;
    recipients: string[];
};

/** `sops` and `ageKey`: the library derives the recipients and so proves the key is usable. */
export async function parseSops(ctx: SectionContext): Promise<SopsSettings | undefined> {
    const sops = parseSection(ctx, "sops", sopsSchema);
    warnPlainOnly(ctx, "sops", "the name of the sops-age Secret");
    const given = readSecret(ctx, "ageKey");
    // What is checked is exactly what is written into the Secret.
    const ageKey = given === undefined ? undefined : normaliseAgeKey(given);
    if (ctx.raw.ageKey === undefined) {
        secretProblem(
            ctx,
            "ageKey",
            `${AGE_KEY_EXPECTED}; set it with \`pulumi config set --secret ${configKey(["ageKey"])} < age.agekey\``,
        );
        return undefined;
    }
    if (ageKey === undefined) return undefined;
    let recipients: string[];
    try {
        recipients = await ageRecipients(ageKey);
    } catch (e) {
        secretProblem(ctx, "ageKey", `${AGE_KEY_EXPECTED} (${(e as Error).message})`);
        return undefined;
    }
    if (sops === undefined) return undefined;
    return { secretName: sops.secretName, ageKey, recipients };
}
