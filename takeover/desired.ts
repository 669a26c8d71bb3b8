import { buildGitRepositorySpec } from "../components/git-source";
import { buildKustomizationSpec } from "../components/layers";
import { AGE_KEY_DATA_KEY } from "../components/sops-age-secret";
import { configKey, ParsedConfig } from "../stacks";

/** A Secret the stack declares: its name, and each data key with the config key it comes from. */
export interface DesiredSecret {
    name: string;
    /** Data key → plain value (kept in memory, compared, never printed) and its config key. */
    data: Record<string, { value: string; configKey: string }>;
}

/** What the stack will declare, in the form the takeover compares with the cluster. */
export interface Desired {
    namespace: string;
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
    const authKeys: Record<string, [string, string][]> = {
        ssh: [
            ["identity", "gitSshIdentity"],
            ["known_hosts", "gitKnownHosts"],
        ],
        basic: [
            ["username", "gitUsername"],
            ["password", "gitPassword"],
        ],
        bearer: [["bearerToken", "gitBearerToken"]],
        none: [],
    };
    const auth = authKeys[g.auth];
    if (auth.length > 0) {
        const creds = g.credentials as Record<string, string | undefined>;
        secrets.push({
            name: g.secretName,
            data: Object.fromEntries(
                auth.map(([dataKey, key]) => [
                    dataKey,
                    { value: creds[key] ?? "", configKey: configKey([key]) },
                ]),
            ),
        });
    }
    const ctx = {
        sourceRef: { kind: "GitRepository" as const, name: g.repositoryName },
        decryptionSecretName: c.sops.secretName,
    };
    return {
        namespace: c.flux.namespace,
        fluxVersion: c.flux.version,
        repository: { name: g.repositoryName, spec: buildGitRepositorySpec(git) },
        secrets,
        layers: c.layers.map((l) => ({ name: l.name, spec: buildKustomizationSpec(l, ctx) })),
    };
}
