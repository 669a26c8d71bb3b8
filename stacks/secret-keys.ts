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
    receiverToken: {
        plainAllowed: false,
        type: "one line",
        default: "required with `receiver`, an error without",
        description:
            "The webhook's token, stored as `token` in the `receiver.secretName` Secret: the secret the Git host signs its payloads with (GitHub, `generic-hmac`) or sends (GitLab's `X-Gitlab-Token`, Bitbucket's basic auth). Generate it: `head -c 24 /dev/urandom | base64`.",
        example: '`-- "$(head -c 24 /dev/urandom | base64)"`',
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

/**
 * The secret keys of a notification provider, one pair per provider, named
 * after it (`notifications.providers.slack` → `notificationsSlackAddress`,
 * `notificationsSlackToken`; `github-status` → `notificationsGithubStatusToken`).
 */
export const PROVIDER_SECRET_KEYS = {
    Address: {
        plainAllowed: false,
        type: "URL",
        default: "required for `slack`, `discord`, `msteams`; `generic*`: this or `address`",
        description:
            "The provider's address when it is a credential (an incoming-webhook URL), stored as `address` in the provider's Secret. `<Provider>` is the provider's name in PascalCase.",
        example:
            "`pulumi config set --secret flux-gitops:notificationsSlackAddress https://hooks.slack.com/services/…`",
    },
    Token: {
        plainAllowed: false,
        type: "one line",
        default: "required for `github`, `gitlab`, `generic-hmac`; optional for `slack`",
        description:
            "The provider's token (a commit status token, an HMAC key, a Slack bot token), stored as `token` in the provider's Secret.",
        example:
            '`pulumi config set --secret flux-gitops:notificationsGithubStatusToken -- "$(cat token)"`',
    },
} as const satisfies Record<string, SecretKeyDecl>;
type ProviderSecretField = keyof typeof PROVIDER_SECRET_KEYS;

/** How the reference writes a provider's secret key. */
export const PROVIDER_SECRET_KEY_ENTRY = "notifications<Provider>";

const PROVIDER_SECRET_KEY = /^notifications([A-Z][A-Za-z0-9]*)(Address|Token)$/;

/** A provider's secret key: `notifications` + the name in PascalCase + `Address` or `Token`. */
export function providerSecretKey(provider: string, f: ProviderSecretField): string {
    const pascal = provider
        .split("-")
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join("");
    return `notifications${pascal}${f}`;
}

/** Whether `name` has the form of a provider's secret key. */
export function isProviderSecretKey(name: string): boolean {
    return PROVIDER_SECRET_KEY.test(name);
}

/** Any secret key: one of SECRET_KEYS or a provider's. */
export function isSecretKeyName(name: string): boolean {
    return Object.hasOwn(SECRET_KEYS, name) || isProviderSecretKey(name);
}

/** Whether a secret key's value may be stored in plain text. */
export function plainAllowed(name: string): boolean {
    return Object.hasOwn(SECRET_KEYS, name) && SECRET_KEYS[name as SecretKey].plainAllowed;
}

/** Whether a key's value is confidential whatever way it was stored. */
export function isConfidentialKey(name: string): boolean {
    return isSecretKeyName(name) && !plainAllowed(name);
}
