import * as fs from "fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The benchmark's floor (bench/preview.sh): the objects the prod stack declares, under the same
 * component types and with the same options, written as constants. The install's objects are the
 * ones the program builds for the stack, written to install-objects.json by
 * bench/floor/install-objects.ts before the runs, and declared here one resource each. No config
 * is read or validated, no key parsed and no manifest read, so its preview time is what Pulumi,
 * the kubernetes provider and ts-node cost for these objects; the program is measured against it.
 */
const NS = "flux-system";
const secretOpts = { additionalSecretOutputs: ["data", "stringData"] };
const placeholder = (v: string) => pulumi.secret(Buffer.from(v).toString("base64"));
// Only shaped like the program's: the value of the token costs nothing.
const wait = (token: string) => ({
    "flux-gitops/applied": token,
    "pulumi.com/timeoutSeconds": "600",
    "pulumi.com/waitFor": JSON.stringify([
        "condition=Ready",
        `jsonpath={.metadata.annotations['flux-gitops/applied']}=${token}`,
    ]),
});
const status = (r: k8s.apiextensions.CustomResource) =>
    (r as unknown as { status: pulumi.Output<unknown> }).status;

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
type Ctor = new (
    name: string,
    args: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;
/** A Flux release's kinds by `apiVersion/kind`, each module loaded on first use, as in the program. */
const KINDS = {
    "v1/Namespace": () => k8s.core.v1.Namespace,
    "v1/ServiceAccount": () => k8s.core.v1.ServiceAccount,
    "v1/Service": () => k8s.core.v1.Service,
    "v1/Secret": () => k8s.core.v1.Secret,
    "v1/ResourceQuota": () => k8s.core.v1.ResourceQuota,
    "apps/v1/Deployment": () => k8s.apps.v1.Deployment,
    "rbac.authorization.k8s.io/v1/ClusterRole": () => k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": () => k8s.rbac.v1.ClusterRoleBinding,
    "networking.k8s.io/v1/NetworkPolicy": () => k8s.networking.v1.NetworkPolicy,
    "apiextensions.k8s.io/v1/CustomResourceDefinition": () =>
        k8s.apiextensions.v1.CustomResourceDefinition,
} as unknown as Record<string, () => Ctor>;

export = async () => {
    const flux = new pulumi.ComponentResource("flux-gitops:index:FluxInstall", "flux", {});
    const objects = JSON.parse(fs.readFileSync("install-objects.json", "utf8")) as Obj[];
    if (process.env.BENCH_FLOOR_GROUP === "true") {
        // The variant floor-group: the same objects as one ConfigGroup, as the program declared them
        // up to aa5ec80 (a provider component: a second, unversioned provider process).
        new k8s.yaml.v2.ConfigGroup(
            "flux",
            { objs: objects },
            { parent: flux, retainOnDelete: true },
        );
    } else {
        for (const o of objects) {
            const ctor = KINDS[`${o.apiVersion}/${o.kind}`]?.();
            if (ctor === undefined) {
                throw new Error(`floor: no resource class for ${o.apiVersion} ${o.kind}`);
            }
            const { apiVersion: _a, kind: _k, ...args } = o;
            const name = o.metadata.namespace
                ? `${o.metadata.namespace}/${o.metadata.name}`
                : o.metadata.name;
            new ctor(name, args, { parent: flux, retainOnDelete: true });
        }
    }

    const sops = new pulumi.ComponentResource(
        "flux-gitops:index:SopsAgeSecret",
        "sops-age",
        {},
        { dependsOn: [flux] },
    );
    new k8s.core.v1.Secret(
        "sops-age",
        {
            metadata: { name: "sops-age", namespace: NS },
            type: "Opaque",
            data: placeholder("AGE-SECRET-KEY-1").apply((v) => ({ "age.agekey": v })),
        },
        { parent: sops, dependsOn: [flux], ...secretOpts },
    );

    const git = new pulumi.ComponentResource(
        "flux-gitops:index:GitSource",
        "git",
        {},
        { dependsOn: [flux] },
    );
    const auth = new k8s.core.v1.Secret(
        "git-auth",
        {
            metadata: { name: "flux-system", namespace: NS },
            type: "Opaque",
            data: pulumi
                .all([placeholder("identity"), placeholder("known_hosts")])
                .apply(([identity, known_hosts]) => ({ identity, known_hosts })),
        },
        { parent: git, dependsOn: [flux], ...secretOpts },
    );
    const repository = new k8s.apiextensions.CustomResource(
        "git",
        {
            apiVersion: "source.toolkit.fluxcd.io/v1",
            kind: "GitRepository",
            metadata: { name: "flux-system", namespace: NS, annotations: wait("5da0b7e96e3e0c7d") },
            spec: {
                interval: "1m0s",
                url: "ssh://git@github.com/acme-platform/cluster-gitops.git",
                ref: { branch: "main" },
                secretRef: { name: "flux-system" },
            },
            status: undefined,
        },
        { parent: git, dependsOn: [flux, auth] },
    );

    const layers = new pulumi.ComponentResource(
        "flux-gitops:index:FluxLayers",
        "layers",
        {},
        { dependsOn: [flux, sops, git] },
    );
    const layer = (
        name: string,
        path: string,
        token: string,
        healthChecks: [string, string][],
        after: Record<string, k8s.apiextensions.CustomResource>,
        extra: Record<string, unknown> = {},
    ) =>
        new k8s.apiextensions.CustomResource(
            `layers-${name}`,
            {
                apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                kind: "Kustomization",
                metadata: { name, namespace: NS, annotations: wait(token) },
                spec: {
                    interval: "10m0s",
                    path,
                    prune: true,
                    sourceRef: { kind: "GitRepository", name: "flux-system" },
                    decryption: { provider: "sops", secretRef: { name: "sops-age" } },
                    ...(Object.keys(after).length > 0
                        ? { dependsOn: Object.keys(after).map((d) => ({ name: d })) }
                        : {}),
                    healthChecks: healthChecks.map(([namespace, n]) => ({
                        apiVersion: "helm.toolkit.fluxcd.io/v2",
                        kind: "HelmRelease",
                        name: n,
                        namespace,
                    })),
                    ...extra,
                },
                status: undefined,
            },
            { parent: layers, dependsOn: [flux, sops, git, ...Object.values(after)] },
        );
    const infrastructure = layer(
        "infrastructure",
        "./gitops/infrastructure",
        "df0cf1758894b18e",
        [["cert-manager", "cert-manager"]],
        {},
    );
    const databases = layer(
        "databases",
        "./gitops/apps/databases",
        "20f48c7d3a6fa10c",
        [
            ["databases", "postgresql"],
            ["databases", "redis"],
        ],
        { infrastructure },
        { deletionPolicy: "Orphan" },
    );
    const apps = layer(
        "apps",
        "./gitops/apps/applications",
        "93c21db2fed2ba6b",
        [["authentik", "authentik"]],
        { databases },
    );
    const kustomizations = { infrastructure, databases, apps };

    return {
        fluxNamespace: NS,
        fluxVersion: "v2.9.5",
        gitRepository: "flux-system",
        layers: Object.keys(kustomizations),
        ageRecipients: ["age1placeholder"],
        layerStatus: pulumi.all(
            Object.fromEntries(Object.entries(kustomizations).map(([n, k]) => [n, status(k)])),
        ),
        sourceRevision: status(repository),
    };
};
