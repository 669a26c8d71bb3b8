import { configKey } from "../problems";
import { GIT_AUTH, GitAuthKind } from "../../flux/git";
import { SectionContext } from "./context";
import { readSecret, SecretKey, secretProblem } from "./secrets";

/** The Git secret keys, plain here; the loader wraps them as Pulumi secrets. */
export type GitCredentials = Partial<Record<SecretKey, string>>;

const GIT_SECRET_KEYS = [
    "gitSshIdentity",
    "gitKnownHosts",
    "gitUsername",
    "gitPassword",
    "gitBearerToken",
    "gitGithubAppId",
    "gitGithubAppInstallationId",
    "gitGithubAppPrivateKey",
] as const;

const AUTH_SECRETS = (kind: GitAuthKind) => GIT_AUTH[kind].map((f) => f.configKey as SecretKey);

const EXPECTED: Record<(typeof GIT_SECRET_KEYS)[number], string> = {
    gitSshIdentity: "a private SSH key in PEM or OpenSSH form (-----BEGIN … PRIVATE KEY-----)",
    gitKnownHosts:
        "known_hosts lines for the Git host (`ssh-keyscan <host>`), each `<host> <key-type> <key>`",
    gitUsername: "the Git username",
    gitPassword: "the Git password or access token",
    gitBearerToken: "a bearer token for the Git host",
    gitGithubAppId: "the GitHub App's numeric ID",
    gitGithubAppInstallationId: "the numeric ID of the App's installation on the organisation",
    gitGithubAppPrivateKey:
        "the GitHub App's private key in PEM form (-----BEGIN RSA PRIVATE KEY-----)",
};

const PRIVATE_KEY = (v: string) =>
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v) && /-----END [A-Z ]*PRIVATE KEY-----/.test(v);
const NUMBER = (v: string) => /^\s*[0-9]+\s*$/.test(v);
const CERTIFICATES = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

const CA_EXPECTED = "PEM CA certificates (-----BEGIN CERTIFICATE-----) for an https:// URL";

/** A check that only passes or fails: the key's expected text is the problem. */
const shaped = (name: keyof typeof EXPECTED, ok: (v: string) => boolean) => (v: string) =>
    ok(v) ? undefined : EXPECTED[name];

/**
 * Checks of each secret's text as source-controller will use it (it is stored
 * unchanged). An HTTP credential is sent in a header, where a line break is
 * never valid; reading it with `< file` is the usual way to get one.
 */
const oneLine = (name: SecretKey) => (v: string) =>
    /[\r\n]/.test(v)
        ? `${EXPECTED[name as keyof typeof EXPECTED]} on one line; it holds a line break ` +
          `(\`pulumi config set --secret ${configKey([name])} < file\` keeps the file's last newline; ` +
          `use \`-- "$(cat file)"\` instead)`
        : undefined;

const SHAPE: Partial<Record<SecretKey, (v: string) => string | undefined>> = {
    gitSshIdentity: shaped("gitSshIdentity", PRIVATE_KEY),
    gitGithubAppPrivateKey: shaped("gitGithubAppPrivateKey", PRIVATE_KEY),
    gitGithubAppId: shaped("gitGithubAppId", NUMBER),
    gitGithubAppInstallationId: shaped("gitGithubAppInstallationId", NUMBER),
    gitKnownHosts: (v) =>
        v
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter((l) => l !== "" && !l.startsWith("#"))
            .every((l) => l.split(/\s+/).length >= 3)
            ? undefined
            : EXPECTED.gitKnownHosts,
    gitUsername: oneLine("gitUsername"),
    gitPassword: oneLine("gitPassword"),
    gitBearerToken: oneLine("gitBearerToken"),
};

/** The Git secret keys `auth` needs, each present and well-formed; the others must be unset. */
export function parseGitCredentials(
    ctx: SectionContext,
    auth: GitAuthKind,
): GitCredentials | undefined {
    const before = ctx.problems.count;
    const authKey = configKey(["git", "auth"]);
    const credentials: GitCredentials = {};
    for (const name of GIT_SECRET_KEYS) {
        const needed = AUTH_SECRETS(auth).includes(name);
        if (!needed) {
            if (ctx.raw[name] !== undefined) {
                secretProblem(
                    ctx,
                    name,
                    `not set when \`${authKey}\` is ${auth}; remove it or change the auth`,
                );
            }
            continue;
        }
        const v = readSecret(ctx, name);
        if (ctx.raw[name] === undefined) {
            secretProblem(ctx, name, `${EXPECTED[name]}, required when \`${authKey}\` is ${auth}`);
        } else if (v !== undefined) {
            const wrong = SHAPE[name]?.(v);
            if (wrong === undefined) credentials[name] = v;
            else secretProblem(ctx, name, wrong);
        }
    }
    return ctx.problems.count > before ? undefined : credentials;
}

/** `gitCaBundle`: optional, only for an https:// URL, PEM certificates. */
export function parseGitCaBundle(
    ctx: SectionContext,
    scheme: "ssh" | "https" | "http",
): { ok: boolean; caBundle?: string } {
    if (ctx.raw.gitCaBundle === undefined) return { ok: true };
    const v = readSecret(ctx, "gitCaBundle");
    if (v === undefined) return { ok: false };
    if (scheme !== "https" || !CERTIFICATES.test(v)) {
        ctx.problems.addDescribed(
            "gitCaBundle",
            [],
            scheme === "https" ? "[certificates not shown]" : "(set)",
            scheme === "https" ? CA_EXPECTED : `unset for a ${scheme}:// URL; ${CA_EXPECTED}`,
        );
        return { ok: false };
    }
    return { ok: true, caBundle: v };
}
