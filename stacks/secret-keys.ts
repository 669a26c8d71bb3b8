import { FieldDoc } from "./schema";

/** A secret config key: `plainAllowed` ones are not confidential and may be set without --secret. */
interface SecretKeyDecl extends FieldDoc {
    plainAllowed: boolean;
    type: string;
    default: string;
}

/** Secret config keys, each with its entry in the config reference. */
export const SECRET_KEYS = {
    ageKey: {
        plainAllowed: false,
        type: "age key file",
        default: "required",
        description:
            "One or more `AGE-SECRET-KEY-1…` lines, `#` comments allowed. Stored in the `sops.secretName` Secret as `age.agekey`, lines trimmed, blank lines dropped. Its public recipients are the `ageRecipients` output.",
        example: "`pulumi config set --secret flux-gitops:ageKey < age.agekey`",
    },
    gitSshIdentity: {
        plainAllowed: false,
        type: "PEM or OpenSSH private key",
        default: "required for `git.auth` ssh",
        description: "Deploy key, stored as `identity`.",
        example: "`< flux-deploy-key`",
    },
    gitKnownHosts: {
        plainAllowed: true,
        type: "`known_hosts` lines",
        default: "required for `git.auth` ssh",
        description: "Host keys of the Git server, stored as `known_hosts`.",
        example: '`"$(ssh-keyscan github.com)"`',
    },
    gitUsername: {
        plainAllowed: true,
        type: "one line",
        default: "required for `git.auth` basic",
        description: "Stored as `username`.",
    },
    gitPassword: {
        plainAllowed: false,
        type: "one line",
        default: "required for `git.auth` basic",
        description:
            'Password or token, stored as `password`. `< file` keeps the file\'s last newline: use `-- "$(cat file)"`.',
    },
    gitBearerToken: {
        plainAllowed: false,
        type: "one line",
        default: "required for `git.auth` bearer",
        description: "Stored as `bearerToken`.",
    },
    gitGithubAppId: {
        plainAllowed: true,
        type: "number",
        default: "required for `git.provider` github",
        description: "The App's ID, stored as `githubAppID`.",
    },
    gitGithubAppInstallationId: {
        plainAllowed: true,
        type: "number",
        default: "required for `git.provider` github",
        description: "The installation's ID, stored as `githubAppInstallationID`.",
    },
    gitGithubAppPrivateKey: {
        plainAllowed: false,
        type: "PEM private key",
        default: "required for `git.provider` github",
        description: "Stored as `githubAppPrivateKey`.",
    },
    gitCaBundle: {
        plainAllowed: true,
        type: "PEM certificates",
        default: "unset",
        description:
            "CA certificates an `https://` Git server is verified with, stored as `ca.crt`.",
    },
    ociUsername: {
        plainAllowed: true,
        type: "string",
        default: "unset",
        description: "Registry user of a private `oci` repository, with `ociPassword`.",
    },
    ociPassword: {
        plainAllowed: false,
        type: "string",
        default: "unset",
        description:
            "Registry password or token, with `ociUsername`; both become the pull Secret's `.dockerconfigjson`.",
    },
    fluxRegistryCredentials: {
        plainAllowed: false,
        type: "`username:password`",
        default: "required with `flux.imagePullSecret`, an error without",
        description:
            "Credentials of the controller images' registry, stored in the image pull Secret.",
    },
} as const satisfies Record<string, SecretKeyDecl>;
export type SecretKey = keyof typeof SECRET_KEYS;

/** Whether a key's value is confidential whatever way it was stored. */
export function isConfidentialKey(name: string): boolean {
    return Object.hasOwn(SECRET_KEYS, name) && !SECRET_KEYS[name as SecretKey].plainAllowed;
}
