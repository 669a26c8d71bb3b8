import {
    buildGitRepositorySpec,
    GIT_AUTH,
    GIT_REPOSITORY_API_VERSION,
    GitAuth,
    gitAuthData,
} from "../../flux/git";
import { KubeObject } from "../../flux/install";
import { splitApiVersion } from "../../flux/keys";
import { buildKustomizationSpec, KUSTOMIZATION_API_VERSION } from "../../flux/layers";
import {
    ALERT_API_VERSION,
    PROVIDER_API_VERSION,
    providerSecretData,
    RECEIVER_API_VERSION,
} from "../../flux/notifications";
import { AGE_KEY_DATA_KEY } from "../../flux/sops";
import { configKey, ParsedConfig } from "../../stacks";
import { ObjectRef } from "./kube";

type Value = { value: string; configKey: string };

/** A Secret the stack declares: its name, and each data key with the config key it comes from. */
export interface DesiredSecret {
    name: string;
    /** Data key → plain value (kept in memory, compared, never printed) and its config key. */
    data: Record<string, Value>;
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
    /**
     * The Providers, Alerts, Receiver and their Secrets (also in `objects`): the takeover
     * creates them and does not adopt live ones.
     */
    notifications: ObjectRef[];
}

type DesiredGit = Extract<ParsedConfig["source"], { kind: "git" }>["git"];

/** The stack's declarations, built with the components' own spec builders. */
export function desiredState(c: ParsedConfig, install: KubeObject[]): Desired {
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
        objects: declaredObjects(c, install, g, secrets),
        install: install.map((o) => ({
            ref: refTo(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace ?? ""),
            object: o as unknown as Record<string, unknown>,
        })),
        fluxVersion: c.flux.version,
        repository: { name: g.repositoryName, spec: buildGitRepositorySpec(git) },
        secrets,
        layers: c.layers.map((l) => ({ name: l.name, spec: buildKustomizationSpec(l, ctx) })),
        notifications: notificationObjects(c),
    };
}

/** What `notifications` and `receiver` declare, Secrets included. */
function notificationObjects(c: ParsedConfig): ObjectRef[] {
    const ns = c.flux.namespace;
    const { providers, alerts } = c.notifications;
    return [
        ...providers
            .filter((p) => providerSecretData(p) !== undefined)
            .map((p) => refTo("v1", "Secret", p.secretName, ns)),
        ...providers.map((p) => refTo(PROVIDER_API_VERSION, "Provider", p.name, ns)),
        ...alerts.map((a) => refTo(ALERT_API_VERSION, "Alert", a.name, ns)),
        ...(c.receiver === null
            ? []
            : [
                  refTo("v1", "Secret", c.receiver.secretName, ns),
                  refTo(RECEIVER_API_VERSION, "Receiver", c.receiver.name, ns),
              ]),
    ];
}

/**
 * The Git source: `flux bootstrap` syncs from Git (gotk-sync.yaml), so an OCI-sourced stack has
 * nothing to adopt there.
 */
function gitSource(c: ParsedConfig): DesiredGit {
    if (c.source.kind !== "git") {
        throw new Error(
            "the stack's layers use `flux-gitops:oci` as their source; a cluster bootstrapped with " +
                "`flux bootstrap` syncs from Git: set `flux-gitops:git` for the takeover",
        );
    }
    return c.source.git;
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
    // The auth Secret as the component writes it, each value with the config key it comes from.
    const creds = g.credentials as Record<string, string | undefined>;
    const from = (key: string) => ({ value: creds[key] ?? "", configKey: configKey([key]) });
    const fields = GIT_AUTH[g.auth].map((f) => [f.field, from(f.configKey)]);
    const auth = { kind: g.auth, ...Object.fromEntries(fields) } as GitAuth<Value>;
    const ca = g.caBundle === undefined ? undefined : { ...from("gitCaBundle"), value: g.caBundle };
    const data = gitAuthData(auth, ca);
    if (data !== undefined) secrets.push({ name: g.secretName, data });
    return secrets;
}

/** The install's objects, the image pull Secret, the Secrets, the source and the layers. */
function declaredObjects(
    c: ParsedConfig,
    install: KubeObject[],
    g: DesiredGit,
    secrets: DesiredSecret[],
): ObjectRef[] {
    const ns = c.flux.namespace;
    return [
        ...install.map((o) =>
            refTo(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace ?? ""),
        ),
        ...(c.flux.pullSecret === undefined
            ? []
            : [refTo("v1", "Secret", c.flux.pullSecret.name, ns)]),
        ...secrets.map((s) => refTo("v1", "Secret", s.name, ns)),
        refTo(GIT_REPOSITORY_API_VERSION, "GitRepository", g.repositoryName, ns),
        ...c.layers.map((l) => refTo(KUSTOMIZATION_API_VERSION, "Kustomization", l.name, ns)),
        ...notificationObjects(c),
    ];
}

function refTo(apiVersion: string, kind: string, name: string, namespace: string): ObjectRef {
    return { ...splitApiVersion(apiVersion), kind, namespace, name };
}
