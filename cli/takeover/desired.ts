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

/** The stack's declarations, built with the components' own spec builders. */
export function desiredState(c: ParsedConfig): Desired {
    const g = c.git;
    // `flux bootstrap` syncs from Git (gotk-sync.yaml): an OCI-sourced stack has nothing to adopt there.
    if (g === undefined) {
        throw new Error(
            "the stack's layers use `flux-gitops:oci` as their source; a cluster bootstrapped with " +
                "`flux bootstrap` syncs from Git: set `flux-gitops:git` for the takeover",
        );
    }
    const git = { ...g, auth: { kind: g.auth } } as Parameters<typeof buildGitRepositorySpec>[0];
    const secrets: DesiredSecret[] = [
        {
            name: c.sops.secretName,
            data: {
                [AGE_KEY_DATA_KEY]: { value: c.sops.ageKey, configKey: configKey(["ageKey"]) },
            },
        },
    ];
    // The same data keys as gitAuthData(), with the config keys they are read from.
    const authKeys: Record<typeof g.auth, [string, string][]> = {
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
    const creds = g.credentials as Record<string, string | undefined>;
    const data: DesiredSecret["data"] = Object.fromEntries(
        authKeys[g.auth].map(([dataKey, key]) => [
            dataKey,
            { value: creds[key] ?? "", configKey: configKey([key]) },
        ]),
    );
    // An SSH URL has no TLS: gitAuthData() leaves the CA bundle out there.
    if (g.caBundle !== undefined && g.auth !== "ssh") {
        data["ca.crt"] = { value: g.caBundle, configKey: configKey(["gitCaBundle"]) };
    }
    if (Object.keys(data).length > 0) secrets.push({ name: g.secretName, data });
    const ctx = {
        sourceRef: { kind: "GitRepository" as const, name: g.repositoryName },
        decryptionSecretName: c.sops.secretName,
    };
    const ns = c.flux.namespace;
    const named = (apiVersion: string, kind: string, name: string, namespace = ns): ObjectRef => {
        const [group, version] = apiVersion.includes("/")
            ? apiVersion.split("/")
            : ["", apiVersion];
        return { group, version, kind, namespace, name };
    };
    const objects: ObjectRef[] = [
        ...c.flux.objects.map((o) =>
            named(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace ?? ""),
        ),
        ...(c.flux.pullSecret === undefined ? [] : [named("v1", "Secret", c.flux.pullSecret.name)]),
        ...secrets.map((s) => named("v1", "Secret", s.name)),
        named(GIT_REPOSITORY_API_VERSION, "GitRepository", g.repositoryName),
        ...c.layers.map((l) => named(KUSTOMIZATION_API_VERSION, "Kustomization", l.name)),
    ];
    return {
        namespace: ns,
        objects,
        install: c.flux.objects.map((o) => ({
            ref: named(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace ?? ""),
            object: o as unknown as Record<string, unknown>,
        })),
        fluxVersion: c.flux.version,
        repository: { name: g.repositoryName, spec: buildGitRepositorySpec(git) },
        secrets,
        layers: c.layers.map((l) => ({ name: l.name, spec: buildKustomizationSpec(l, ctx) })),
    };
}
