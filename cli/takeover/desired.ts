import { buildGitRepositorySpec, GIT_REPOSITORY_API_VERSION } from "../../components/git-source";
import { buildKustomizationSpec, KUSTOMIZATION_API_VERSION } from "../../components/layers";
import { AGE_KEY_DATA_KEY } from "../../components/sops-age-secret";
import { configKey, ParsedConfig } from "../../stacks";
import { ObjectRef } from "./kube";

/** A Secret the stack declares: its name, and each data key with the config key it comes from. */
export interface DesiredSecret {
    name: string;
    /** Data key → plain value (kept in memory, compared, never printed) and its config key. */
    data: Record<string, { value: string; configKey: string }>;
}

/** What the stack will declare, in the form the takeover compares with the cluster. */
export interface Desired {
    namespace: string;
    /**
     * Every object the program declares: the install's (the manifest with its options, and
     * the image pull Secret), the Secrets, the source and the layers.
     */
    objects: ObjectRef[];
    /** The install's objects as the stack declares them (the manifest with its options). */
    install: { ref: ObjectRef; object: Record<string, unknown> }[];
    fluxVersion: string;
    repository: { name: string; spec: Record<string, unknown> };
    secrets: DesiredSecret[];
    layers: { name: string; spec: Record<string, unknown> }[];
}

type DesiredGit = NonNullable<ParsedConfig["git"]>;

/**
 * The data keys of the Git auth Secret by auth kind (as gitAuthData() writes them), with the
 * config keys they are read from.
 */
const AUTH_KEYS: Record<DesiredGit["auth"], [dataKey: string, configKey: string][]> = {
    ssh: [
        ["identity", "gitSshIdentity"],
        ["known_hosts", "gitKnownHosts"],
    ],
    basic: [
        ["username", "gitUsername"],
        ["password", "gitPassword"],
    ],
    bearer: [["bearerToken", "gitBearerToken"]],
    github: [
        ["githubAppID", "gitGithubAppId"],
        ["githubAppInstallationID", "gitGithubAppInstallationId"],
        ["githubAppPrivateKey", "gitGithubAppPrivateKey"],
    ],
    none: [],
};

/** The stack's declarations, built with the components' own spec builders. */
export function desiredState(c: ParsedConfig): Desired {
    const g = gitSource(c);
    const secrets = declaredSecrets(c, g);
    const ns = c.flux.namespace;
    const ctx = {
        sourceRef: { kind: "GitRepository" as const, name: g.repositoryName },
        decryptionSecretName: c.sops.secretName,
    };
    const git = { ...g, auth: { kind: g.auth } } as Parameters<typeof buildGitRepositorySpec>[0];
    return {
        namespace: ns,
        objects: declaredObjects(c, g, secrets),
        install: c.flux.objects.map((o) => ({
            ref: refTo(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace ?? ""),
            object: o as unknown as Record<string, unknown>,
        })),
        fluxVersion: c.flux.version,
        repository: { name: g.repositoryName, spec: buildGitRepositorySpec(git) },
        secrets,
        layers: c.layers.map((l) => ({ name: l.name, spec: buildKustomizationSpec(l, ctx) })),
    };
}

/**
 * The Git source: `flux bootstrap` syncs from Git (gotk-sync.yaml), so an OCI-sourced stack has
 * nothing to adopt there.
 */
function gitSource(c: ParsedConfig): DesiredGit {
    if (c.git === undefined) {
        throw new Error(
            "the stack's layers use `flux-gitops:oci` as their source; a cluster bootstrapped with " +
                "`flux bootstrap` syncs from Git: set `flux-gitops:git` for the takeover",
        );
    }
    return c.git;
}

/** The sops-age Secret, and the Git auth Secret when the auth kind has data. */
function declaredSecrets(c: ParsedConfig, g: DesiredGit): DesiredSecret[] {
    const secrets: DesiredSecret[] = [
        {
            name: c.sops.secretName,
            data: {
                [AGE_KEY_DATA_KEY]: { value: c.sops.ageKey, configKey: configKey(["ageKey"]) },
            },
        },
    ];
    const creds = g.credentials as Record<string, string | undefined>;
    const data: DesiredSecret["data"] = Object.fromEntries(
        AUTH_KEYS[g.auth].map(([dataKey, key]) => [
            dataKey,
            { value: creds[key] ?? "", configKey: configKey([key]) },
        ]),
    );
    // An SSH URL has no TLS: gitAuthData() leaves the CA bundle out there.
    if (g.caBundle !== undefined && g.auth !== "ssh") {
        data["ca.crt"] = { value: g.caBundle, configKey: configKey(["gitCaBundle"]) };
    }
    if (Object.keys(data).length > 0) secrets.push({ name: g.secretName, data });
    return secrets;
}

/** The install's objects, the image pull Secret, the Secrets, the source and the layers. */
function declaredObjects(c: ParsedConfig, g: DesiredGit, secrets: DesiredSecret[]): ObjectRef[] {
    const ns = c.flux.namespace;
    return [
        ...c.flux.objects.map((o) =>
            refTo(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace ?? ""),
        ),
        ...(c.flux.pullSecret === undefined
            ? []
            : [refTo("v1", "Secret", c.flux.pullSecret.name, ns)]),
        ...secrets.map((s) => refTo("v1", "Secret", s.name, ns)),
        refTo(GIT_REPOSITORY_API_VERSION, "GitRepository", g.repositoryName, ns),
        ...c.layers.map((l) => refTo(KUSTOMIZATION_API_VERSION, "Kustomization", l.name, ns)),
    ];
}

function refTo(apiVersion: string, kind: string, name: string, namespace: string): ObjectRef {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    return { group, version, kind, namespace, name };
}
