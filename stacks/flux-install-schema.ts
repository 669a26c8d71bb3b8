import { z } from "zod";
import { LOG_LEVELS } from "../flux/install";

/** What each install option must look like; these texts end up in error messages. */
export const INSTALL_EXPECT = {
    sha256: "the sha256 of the manifest: 64 hex characters (`sha256sum install.yaml`)",
    components:
        "a non-empty list of distinct controller names such as [source-controller, kustomize-controller]",
    registry:
        "an image registry and path without scheme or tag, such as registry.corp.example/fluxcd",
    secretName: "the name of a Secret (a DNS-1123 subdomain)",
    logLevel: `one of ${LOG_LEVELS.join(", ")}`,
    clusterDomain: "a DNS domain such as cluster.local",
    boolean: "true or false",
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

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const REGISTRY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const str = (re: RegExp, error: string) => z.string({ error }).regex(re, { error });
const subdomain = (error: string) => str(DNS_SUBDOMAIN, error).max(253, { error });
const bool = z.boolean({ error: INSTALL_EXPECT.boolean });

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
const scheduling = {
    tolerations: tolerations.optional(),
    nodeSelector: nodeSelector.optional(),
};
const controllerSettings = z.strictObject(
    {
        ...scheduling,
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

/** The install options of the `flux` key (see flux/install/build.ts). */
export const installOptionsShape = {
    sha256: str(/^[0-9a-fA-F]{64}$/, INSTALL_EXPECT.sha256)
        .transform((s) => s.toLowerCase())
        .optional(),
    components: z
        .array(str(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, INSTALL_EXPECT.components), {
            error: INSTALL_EXPECT.components,
        })
        .min(1, { error: INSTALL_EXPECT.components })
        .refine((c) => new Set(c).size === c.length, { error: INSTALL_EXPECT.components })
        .optional(),
    registry: str(REGISTRY, INSTALL_EXPECT.registry).optional(),
    imagePullSecret: subdomain(INSTALL_EXPECT.secretName).optional(),
    logLevel: z.enum(LOG_LEVELS, { error: INSTALL_EXPECT.logLevel }).optional(),
    clusterDomain: subdomain(INSTALL_EXPECT.clusterDomain).optional(),
    watchAllNamespaces: bool.optional(),
    networkPolicy: bool.optional(),
    multitenant: bool.optional(),
    tenantDefaultServiceAccount: subdomain(INSTALL_EXPECT.serviceAccount).optional(),
    ...scheduling,
    controllers: z
        .record(z.string(), controllerSettings, { error: INSTALL_EXPECT.controllers })
        .optional(),
    patches: z.array(patch, { error: INSTALL_EXPECT.patches }).optional(),
};
