export const GIT_REPOSITORY_API_VERSION = "source.toolkit.fluxcd.io/v1";

/** Which revision of the repository Flux follows; exactly one is set. */
export type GitRef =
    | { branch: string }
    | { tag: string }
    | { semver: string }
    | { commit: string }
    | { name: string };

/** Credentials for the Git source; `S` is how a secret value is held (plain text, or a Pulumi secret). */
export type GitAuth<S> =
    | { kind: "none" }
    | { kind: "ssh"; identity: S; knownHosts: S }
    | { kind: "basic"; username: S; password: S }
    | { kind: "bearer"; bearerToken: S }
    | { kind: "github"; appId: S; installationId: S; privateKey: S };

export type GitAuthKind = GitAuth<unknown>["kind"];

/** One credential: its field in GitAuth, its key in the auth Secret, and the stack's secret config key. */
interface GitAuthField {
    field: string;
    dataKey: string;
    configKey: string;
}

/**
 * Each auth kind's credentials, in the form source-controller reads them from the auth Secret
 * and under the `pulumi config set --secret` key each comes from. The one table the config
 * checks, the component's Secret and the takeover's comparison all read.
 */
export const GIT_AUTH: Record<GitAuthKind, readonly GitAuthField[]> = {
    none: [],
    ssh: [
        { field: "identity", dataKey: "identity", configKey: "gitSshIdentity" },
        { field: "knownHosts", dataKey: "known_hosts", configKey: "gitKnownHosts" },
    ],
    basic: [
        { field: "username", dataKey: "username", configKey: "gitUsername" },
        { field: "password", dataKey: "password", configKey: "gitPassword" },
    ],
    bearer: [{ field: "bearerToken", dataKey: "bearerToken", configKey: "gitBearerToken" }],
    github: [
        { field: "appId", dataKey: "githubAppID", configKey: "gitGithubAppId" },
        {
            field: "installationId",
            dataKey: "githubAppInstallationID",
            configKey: "gitGithubAppInstallationId",
        },
        {
            field: "privateKey",
            dataKey: "githubAppPrivateKey",
            configKey: "gitGithubAppPrivateKey",
        },
    ],
};

/** The auth Secret's key for the CA bundle an https:// server's certificate is verified with. */
const CA_DATA_KEY = "ca.crt";

/** The Git source Flux syncs from (gotk-sync.yaml); `S` as in GitAuth. */
export interface GitSettings<S> {
    /** GitRepository name the layers' `sourceRef` points at (gotk-sync: `flux-system`). */
    repositoryName: string;
    /** `ssh://`, `https://` or `http://` URL of the repository. */
    url: string;
    /** Branch, tag, semver range, commit or ref name to follow. */
    ref: GitRef;
    /** How often Flux fetches (Flux duration). */
    interval: string;
    /** Name of the auth Secret; unused when `auth.kind` is `none`. */
    secretName: string;
    /** Credentials. */
    auth: GitAuth<S>;
    /**
     * Set when the config key this comes from is stored as a secret (`pulumi
     * config set --secret`, also with `--path` for one field: Pulumi then marks
     * the whole key). Every value taken from it is then a Pulumi secret; names
     * Kubernetes shows to anyone who can list objects stay plain.
     */
    confidential?: boolean;
    /** PEM CA certificates the https:// server's certificate is verified with (`ca.crt` of the auth Secret). */
    caBundle?: S;
}

/** The `spec` of the GitRepository (the seed's gotk-sync.yaml). */
export function buildGitRepositorySpec<S>(args: GitSettings<S>): Record<string, unknown> {
    const hasSecret = args.auth.kind !== "none" || args.caBundle !== undefined;
    return {
        interval: args.interval,
        url: args.url,
        ref: args.ref,
        ...(args.auth.kind === "github" && { provider: "github" }),
        ...(hasSecret && { secretRef: { name: args.secretName } }),
    };
}

/** The auth Secret's data, in the form source-controller reads it; undefined when there is none. */
export function gitAuthData<S>(auth: GitAuth<S>, caBundle?: S): Record<string, S> | undefined {
    // ssh authenticates with the key pair alone: source-controller ignores ca.crt there.
    const ca: Record<string, S> =
        caBundle === undefined || auth.kind === "ssh" ? {} : { [CA_DATA_KEY]: caBundle };
    if (auth.kind === "none") return caBundle === undefined ? undefined : ca;
    const values = auth as unknown as Record<string, S>;
    return {
        ...Object.fromEntries(GIT_AUTH[auth.kind].map((f) => [f.dataKey, values[f.field]])),
        ...ca,
    };
}
