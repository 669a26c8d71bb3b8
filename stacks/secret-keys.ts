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

/** Whether a key's value is confidential whatever way it was stored. */
export function isConfidentialKey(name: string): boolean {
    return Object.hasOwn(SECRET_KEYS, name) && !SECRET_KEYS[name as SecretKey].plainAllowed;
}
