import { z } from "zod";
import { InstallOptions, LOG_LEVELS, SIZE_PRESETS, SIZES } from "../flux/install";
import { DEFAULT_FLUX_NAMESPACE, DEFAULT_FLUX_VERSION } from "./defaults";
import { knownFluxRelease } from "./flux-releases";
import { bool, DNS_SUBDOMAIN, dnsLabel, EXPECT, field, fits, obj, pattern } from "./schema";

/** What each install option must look like; these texts end up in error messages. */
const INSTALL_EXPECT = {
    sha256: "the sha256 of the manifest: 64 hex characters (`sha256sum install.yaml`)",
    components:
        "a non-empty list of distinct controller names such as [source-controller, kustomize-controller]",
    registry:
        "an image registry and path without scheme or tag, such as registry.corp.example/fluxcd",
    secretName: "the name of a Secret (a DNS-1123 subdomain)",
    logLevel: `one of ${LOG_LEVELS.join(", ")}`,
    size: `one of ${SIZES.join(", ")}`,
    clusterDomain: "a DNS domain such as cluster.local",
    serviceAccount: "a service account name (a DNS-1123 subdomain)",
    tolerations:
        "a list of tolerations {key, operator: Exists|Equal, value, effect: NoSchedule|PreferNoSchedule|NoExecute, tolerationSeconds}",
    nodeSelector: "a map of node label to value",
    quantity: "a Kubernetes quantity such as 100m, 512Mi or 2",
    resources: "{requests: {cpu, memory}, limits: {cpu, memory}}",
    controllers:
        "a map of controller name (e.g. kustomize-controller) to {tolerations, nodeSelector, resources}",
    patches:
        "a list of {patch: <strategic-merge map or JSON 6902 list as YAML text>, target: {group, version, kind, name, namespace, labelSelector, annotationSelector}}",
    patchText: "the patch as YAML text (a strategic-merge map or a JSON 6902 list of operations)",
    targetField: "a string (kind, name and namespace are regular expressions)",
} as const;

const REGISTRY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const str = (re: RegExp, error: string) => z.string({ error }).regex(re, { error });
const subdomain = (error: string) => pattern(DNS_SUBDOMAIN, error, 253);

const toleration = z.strictObject(
    {
        key: z.string({ error: INSTALL_EXPECT.tolerations }).optional(),
        operator: z.enum(["Exists", "Equal"], { error: INSTALL_EXPECT.tolerations }).optional(),
        value: z.string({ error: INSTALL_EXPECT.tolerations }).optional(),
        effect: z
            .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
                error: INSTALL_EXPECT.tolerations,
            })
            .optional(),
        tolerationSeconds: z.number({ error: INSTALL_EXPECT.tolerations }).int().optional(),
    },
    { error: INSTALL_EXPECT.tolerations },
);
const tolerations = z.array(toleration, { error: INSTALL_EXPECT.tolerations });
const nodeSelector = z.record(z.string(), z.string({ error: INSTALL_EXPECT.nodeSelector }), {
    error: INSTALL_EXPECT.nodeSelector,
});
const quantities = z
    .strictObject(
        {
            cpu: str(QUANTITY, INSTALL_EXPECT.quantity).optional(),
            memory: str(QUANTITY, INSTALL_EXPECT.quantity).optional(),
            "ephemeral-storage": str(QUANTITY, INSTALL_EXPECT.quantity).optional(),
        },
        { error: INSTALL_EXPECT.resources },
    )
    .transform((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)));
const controllerSettings = z.strictObject(
    {
        tolerations: tolerations.optional(),
        nodeSelector: nodeSelector.optional(),
        resources: z
            .strictObject(
                { requests: quantities.optional(), limits: quantities.optional() },
                { error: INSTALL_EXPECT.resources },
            )
            .optional(),
    },
    { error: INSTALL_EXPECT.controllers },
);
const target = z.string({ error: INSTALL_EXPECT.targetField }).min(1, {
    error: INSTALL_EXPECT.targetField,
});
const patch = z.strictObject(
    {
        patch: z.string({ error: INSTALL_EXPECT.patchText }).min(1, {
            error: INSTALL_EXPECT.patchText,
        }),
        target: z
            .strictObject(
                {
                    group: z.string({ error: INSTALL_EXPECT.targetField }).optional(),
                    version: target.optional(),
                    kind: target.optional(),
                    name: target.optional(),
                    namespace: target.optional(),
                    labelSelector: target.optional(),
                    annotationSelector: target.optional(),
                },
                { error: INSTALL_EXPECT.patches },
            )
            .optional(),
    },
    { error: INSTALL_EXPECT.patches },
);

/** `flux`: the release, where it is installed from, and how the install differs from it. */
const release = {
    version: field(
        z
            .string({ error: EXPECT.fluxVersion })
            .refine((v) => knownFluxRelease(v) !== undefined, { error: EXPECT.fluxVersion })
            .transform((v) => knownFluxRelease(v) as string)
            .default(DEFAULT_FLUX_VERSION),
        {
            type: "a known release: v2.7.0–v2.7.5, v2.8.0–v2.8.8, v2.9.0–v2.9.5 (a leading `v` may be left out)",
            description: "Flux release to install. The list is `stacks/flux-releases.ts`.",
            example: "`v2.8.8`",
        },
    ),
    namespace: field(dnsLabel.default(DEFAULT_FLUX_NAMESPACE), {
        description:
            "Namespace of the controllers and of every object the program creates. Another value needs `flux.manifest` (`flux install --export --namespace=<ns>`).",
        example: "`flux`",
    }),
    manifest: field(
        z
            .string({ error: EXPECT.manifest })
            .min(1, { error: EXPECT.manifest })
            .refine((m) => !/^[a-z]+:\/\//i.test(m) || m.startsWith("https://"), {
                error: EXPECT.manifest,
            })
            .optional(),
        {
            type: "`https://` URL or file path (relative to the project directory)",
            default: "the release's `install.yaml` for `flux.version`",
            description:
                "Install manifest the install's objects are built from. A URL is downloaded once per run; a URL with credentials, a query or a fragment is refused (it would be kept in the state in plain text). Each object is applied as written, so a namespaced object without its namespace, or a field its kind does not have, is refused.",
            example: "`./flux-install.yaml`, written by `flux install --export --version=v2.9.5`",
        },
    ),
    sha256: field(
        str(/^[0-9a-fA-F]{64}$/, INSTALL_EXPECT.sha256)
            .transform((s) => s.toLowerCase())
            .optional(),
        {
            type: "64 hex characters",
            description:
                "Pin of the manifest's checksum (`sha256sum install.yaml`): a different file fails the preview and names the new checksum.",
            example: "`3f5c…e1` (all 64 characters)",
        },
    ),
    // Keeping Flux on destroy is the safe default: removing its CRDs would delete every
    // HelmRelease, and helm-controller would uninstall the releases of orphaned layers too.
    keepOnDestroy: field(bool.default(true), {
        description:
            "Leave the controllers and CRDs in the cluster on `pulumi destroy`. Must be `true` while a layer is `Orphan`.",
        example: "`false` for a disposable cluster",
    }),
};

/** The install options of the `flux` key (see flux/install/build.ts). */
const installOptions = {
    components: field(
        z
            .array(str(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, INSTALL_EXPECT.components), {
                error: INSTALL_EXPECT.components,
            })
            .min(1, { error: INSTALL_EXPECT.components })
            .refine((c) => new Set(c).size === c.length, { error: INSTALL_EXPECT.components })
            .optional(),
        {
            type: "non-empty list of distinct controller names",
            default:
                "`source-controller`, `kustomize-controller`, `helm-controller`, `notification-controller` (those the manifest holds)",
            description:
                "Controllers to install, with their CRDs. Extras (`image-reflector-controller`, `image-automation-controller`, `source-watcher`) must be listed; an unknown name is an error that lists the ones the manifest holds.",
            example: "`[source-controller, kustomize-controller, helm-controller]`",
        },
    ),
    registry: field(str(REGISTRY, INSTALL_EXPECT.registry).optional(), {
        type: "`host[:port]/path`, no scheme or tag",
        default: "unset (`ghcr.io/fluxcd`)",
        description: "Registry the controller images are pulled from; image names and tags stay.",
        example: "`registry.corp.example/mirror/fluxcd`",
    }),
    imagePullSecret: field(subdomain(INSTALL_EXPECT.secretName).optional(), {
        type: "DNS-1123 subdomain, not the name of another Secret the stack declares",
        description:
            "Name of a `kubernetes.io/dockerconfigjson` Secret created in the Flux namespace from `fluxRegistryCredentials` (then required); every controller pulls with it.",
        example: "`flux-registry`",
    }),
    logLevel: field(z.enum(LOG_LEVELS, { error: INSTALL_EXPECT.logLevel }).optional(), {
        type: LOG_LEVELS.map((l) => `\`${l}\``).join(", "),
        default: "unset (Flux: `info`)",
        description: "`--log-level` of every controller.",
        example: "`debug`",
    }),
    clusterDomain: field(subdomain(INSTALL_EXPECT.clusterDomain).optional(), {
        type: "DNS-1123 subdomain",
        default: "unset (`cluster.local`)",
        description: "Cluster DNS domain the controllers address each other by.",
        example: "`k8s.corp.example`",
    }),
    watchAllNamespaces: field(bool.optional(), {
        default: "unset (Flux: `true`)",
        description: "`false` makes the controllers watch only the Flux namespace.",
    }),
    networkPolicy: field(bool.optional(), {
        default: "unset (the release's NetworkPolicies are kept)",
        description: "`false` leaves out the release's NetworkPolicies.",
    }),
    multitenant: field(bool.optional(), {
        default: "unset (off)",
        description:
            "Multi-tenancy lockdown: `--no-cross-namespace-refs=true`, `--no-remote-bases=true` (kustomize-controller) and `--default-service-account` (kustomize and helm controllers). The layers then run as `kustomize-controller`.",
        example: "`true`",
    }),
    tenantDefaultServiceAccount: field(subdomain(INSTALL_EXPECT.serviceAccount).optional(), {
        type: "DNS-1123 subdomain",
        default: "`default`",
        description:
            "The service account Kustomizations and HelmReleases without `serviceAccountName` impersonate under `multitenant`.",
        example: "`tenant`",
    }),
    size: field(z.enum(SIZES, { error: INSTALL_EXPECT.size }).optional(), {
        type: SIZES.map((s) => `\`${s}\``).join(", "),
        default: "unset (the manifest's figures)",
        description: `The Flux Operator's \`cluster.size\` for kustomize-controller and helm-controller: ${SIZES.map(
            (s) => {
                const p = SIZE_PRESETS[s];
                return `\`${s}\` \`--concurrent=${p.concurrent}\`, CPU limit ${p.cpu}, memory limit ${p.memory}, \`--requeue-dependency=${p.requeueDependency}\``;
            },
        ).join("; ")}. Applied before \`flux.controllers\` and \`flux.patches\`, which still win.`,
        example: "`large`",
    }),
    tolerations: field(tolerations.optional(), {
        type: "list of `{key, operator: Exists\\|Equal, value, effect: NoSchedule\\|PreferNoSchedule\\|NoExecute, tolerationSeconds}`",
        description: "Added to every controller's pod.",
        example:
            "`[{key: dedicated, operator: Exists}]` (as `flux install --toleration-keys=dedicated`)",
    }),
    nodeSelector: field(nodeSelector.optional(), {
        type: "map of node label to value",
        description: "Merged over every controller's nodeSelector.",
        example: '`{node-role.kubernetes.io/infra: "true"}`',
    }),
    controllers: field(
        z.record(z.string(), controllerSettings, { error: INSTALL_EXPECT.controllers }).optional(),
        {
            entry: "<controller>",
            type: "`{tolerations, nodeSelector, resources: {requests, limits}}`, quantities for `cpu`, `memory`, `ephemeral-storage`",
            description:
                "The same for one installed controller, applied after the shared settings; resources merge quantity by quantity.",
            example: "`{kustomize-controller: {resources: {limits: {memory: 2Gi}}}}`",
        },
    ),
    patches: field(z.array(patch, { error: INSTALL_EXPECT.patches }).optional(), {
        type: "list of `{patch, target}`",
        description:
            "Applied last, in order. `patch` is YAML text: a map is a strategic-merge patch, a list a JSON 6902 patch. `target` selects by `group`, `version`, `kind`, `name`, `namespace` (kind, name and namespace are regular expressions), `labelSelector`, `annotationSelector`; without a target a strategic-merge patch selects by its own `kind` and `metadata.name`. A patch that selects nothing or does not apply is an error.",
        example:
            '`[{target: {kind: Deployment, name: kustomize-controller}, patch: "{spec: {template: {spec: {priorityClassName: system-cluster-critical}}}}"}]`',
    }),
};

export const fluxSchema = obj({ ...release, ...installOptions });

/** The install options as the stack sets them; every one reaches flux/install. */
export type InstallFields = Omit<z.output<typeof fluxSchema>, keyof typeof release>;
fits<InstallFields, InstallOptions>();
fits<keyof InstallFields, keyof InstallOptions>();
