import { configKey } from "../problems";
import { SectionContext } from "./context";

/** Secret config keys; `plainAllowed` ones are not confidential and may be set without --secret. */
export const SECRET_KEYS = {
    ageKey: { plainAllowed: false },
    gitSshIdentity: { plainAllowed: false },
    gitKnownHosts: { plainAllowed: true },
    gitUsername: { plainAllowed: true },
    gitPassword: { plainAllowed: false },
    gitBearerToken: { plainAllowed: false },
    gitGithubAppId: { plainAllowed: true },
    gitGithubAppInstallationId: { plainAllowed: true },
    gitGithubAppPrivateKey: { plainAllowed: false },
    gitCaBundle: { plainAllowed: true },
    ociUsername: { plainAllowed: true },
    ociPassword: { plainAllowed: false },
    fluxRegistryCredentials: { plainAllowed: false },
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;

/**
 * The text of a secret key: a non-empty string, stored with --secret unless it
 * may be plain. Reports what is wrong and returns undefined otherwise.
 */
export function readSecret(ctx: SectionContext, name: SecretKey): string | undefined {
    const v = ctx.raw[name];
    if (v === undefined) return undefined;
    if (typeof v.value !== "string" || v.value.trim() === "") {
        ctx.problems.add(name, [], v.value, "a non-empty string");
        return undefined;
    }
    if (!v.secret && !SECRET_KEYS[name].plainAllowed) {
        ctx.problems.addDescribed(
            name,
            [],
            "[stored in plain text, not shown]",
            `a secret: set it with \`pulumi config set --secret ${configKey([name])}\` (and remove the plain value)`,
        );
        return undefined;
    }
    return v.value;
}

/** A problem of a secret key, whose value is never shown. */
export function secretProblem(ctx: SectionContext, name: SecretKey, expected: string): void {
    ctx.problems.addDescribed(
        name,
        [],
        ctx.raw[name] === undefined ? "(not set)" : "[secret]",
        expected,
    );
}
