import { AGE_KEY_EXPECTED, ageRecipients } from "../age";
import * as d from "../defaults";
import { configKey } from "../problems";
import { sopsSchema } from "../schema";
import { parseSection, SectionContext } from "./context";
import { readSecret, secretProblem } from "./secrets";

/** The age key and the Secret kustomize-controller decrypts SOPS files with. */
export interface SopsSettings {
    secretName: string;
    /** The age key file, plain here; the loader wraps it as a Pulumi secret. */
    ageKey: string;
    recipients: string[];
}

/** `sops` and `ageKey`: the library derives the recipients and so proves the key is usable. */
export async function parseSops(ctx: SectionContext): Promise<SopsSettings | undefined> {
    const sops = parseSection(ctx, "sops", sopsSchema);
    const ageKey = readSecret(ctx, "ageKey");
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
    return { secretName: sops.secretName ?? d.DEFAULT_SOPS_SECRET_NAME, ageKey, recipients };
}
