import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The benchmark's floor (bench/preview.sh): the objects the prod stack declares, of the same
 * kinds, under the same component types and with the same options, written as constants. No
 * config is read or validated and no key is parsed, so its preview time is what Pulumi, the
 * kubernetes provider and ts-node cost by themselves; the real program is measured against it.
 */
const NS = "flux-system";
const wait = { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "600" };
const secretOpts = { additionalSecretOutputs: ["data", "stringData"] };
const placeholder = (v: string) => pulumi.secret(Buffer.from(v).toString("base64"));

export = async () => {
    const flux = new pulumi.ComponentResource("flux-gitops:index:FluxInstall", "flux", {});
    new k8s.yaml.v2.ConfigFile(
        "flux",
        { file: "flux-install.yaml" },
        { parent: flux, retainOnDelete: true },
    );

    const sops = new pulumi.ComponentResource(
        "flux-gitops:index:SopsAgeSecret",
        "sops-age",
        {},
        {
            dependsOn: [flux],
        },
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
        {
            dependsOn: [flux],
        },
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
    new k8s.apiextensions.CustomResource(
        "git",
        {
            apiVersion: "source.toolkit.fluxcd.io/v1",
            kind: "GitRepository",
            metadata: { name: "flux-system", namespace: NS, annotations: wait },
            spec: {
                interval: "1m0s",
                url: "ssh://git@github.com/acme-platform/cluster-gitops.git",
                ref: { branch: "main" },
                secretRef: { name: "flux-system" },
            },
        },
        { parent: git, dependsOn: [flux, auth] },
    );

    const layers = new pulumi.ComponentResource(
        "flux-gitops:index:FluxLayers",
        "layers",
        {},
        {
            dependsOn: [flux, sops, git],
        },
    );
    const layer = (
        name: string,
        path: string,
        healthChecks: [string, string][],
        after: Record<string, k8s.apiextensions.CustomResource>,
        extra: Record<string, unknown> = {},
    ) =>
        new k8s.apiextensions.CustomResource(
            `layers-${name}`,
            {
                apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                kind: "Kustomization",
                metadata: { name, namespace: NS, annotations: wait },
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
            },
            { parent: layers, dependsOn: [flux, sops, git, ...Object.values(after)] },
        );
    const infrastructure = layer(
        "infrastructure",
        "./gitops/infrastructure",
        [["cert-manager", "cert-manager"]],
        {},
    );
    const databases = layer(
        "databases",
        "./gitops/apps/databases",
        [
            ["databases", "postgresql"],
            ["databases", "redis"],
        ],
        { infrastructure },
        { deletionPolicy: "Orphan" },
    );
    layer("apps", "./gitops/apps/applications", [["authentik", "authentik"]], { databases });

    return {
        fluxNamespace: NS,
        fluxVersion: "v2.9.5",
        gitRepository: "flux-system",
        layers: ["infrastructure", "databases", "apps"],
        ageRecipients: ["age1placeholder"],
    };
};
