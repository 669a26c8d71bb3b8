import { KubeObject } from "./objects";

/**
 * The top-level fields, besides apiVersion, kind and metadata, that an install object keeps when
 * it is declared, by `apiVersion/kind`. Each of these kinds is declared through its
 * @pulumi/kubernetes class (components/kube-object.ts), which takes these fields and no other;
 * any other kind is declared whole, as a generic custom resource.
 */
export const CARRIED_FIELDS: Readonly<Record<string, readonly string[]>> = {
    "v1/Binding": ["target"],
    "v1/ConfigMap": ["binaryData", "data", "immutable"],
    "v1/Endpoints": ["subsets"],
    "v1/Event": [
        "action",
        "count",
        "eventTime",
        "firstTimestamp",
        "involvedObject",
        "lastTimestamp",
        "message",
        "reason",
        "related",
        "reportingComponent",
        "reportingInstance",
        "series",
        "source",
        "type",
    ],
    "v1/LimitRange": ["spec"],
    "v1/Namespace": ["spec"],
    "v1/Node": ["spec"],
    "v1/PersistentVolume": ["spec"],
    "v1/PersistentVolumeClaim": ["spec"],
    "v1/Pod": ["spec"],
    "v1/PodTemplate": ["template"],
    "v1/ReplicationController": ["spec"],
    "v1/ResourceQuota": ["spec"],
    "v1/Secret": ["data", "immutable", "stringData", "type"],
    "v1/Service": ["spec"],
    "v1/ServiceAccount": ["automountServiceAccountToken", "imagePullSecrets", "secrets"],
    "apps/v1/Deployment": ["spec"],
    "rbac.authorization.k8s.io/v1/ClusterRole": ["aggregationRule", "rules"],
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ["roleRef", "subjects"],
    "rbac.authorization.k8s.io/v1/Role": ["rules"],
    "rbac.authorization.k8s.io/v1/RoleBinding": ["roleRef", "subjects"],
    "networking.k8s.io/v1/NetworkPolicy": ["spec"],
    "apiextensions.k8s.io/v1/CustomResourceDefinition": ["spec"],
};

/** The kinds of CARRIED_FIELDS whose objects live outside any namespace. */
const CLUSTER_SCOPED = new Set([
    "v1/Namespace",
    "v1/Node",
    "v1/PersistentVolume",
    "rbac.authorization.k8s.io/v1/ClusterRole",
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
    "apiextensions.k8s.io/v1/CustomResourceDefinition",
]);

/** Set by the server, never applied: dropping it changes nothing. */
const SERVER_FIELDS = new Set(["apiVersion", "kind", "metadata", "status"]);

/** cli-utils' ordering annotation, which `kubectl apply` and this program ignore too. */
export const DEPENDS_ON_ANNOTATION = "config.kubernetes.io/depends-on";

export interface DeclarationFindings {
    /** Objects that would not be applied as the manifest has them. */
    errors: string[];
    /** What is applied, but not as the manifest asks. */
    warnings: string[];
}

/**
 * What declaring each install object as a resource of its own would lose or change: a namespaced
 * object without a namespace (it would land in the provider's default namespace), a top-level
 * field its resource does not carry (it would be dropped without a word), and cli-utils'
 * `depends-on` ordering (the namespace and CRDs are applied first, then the rest). Flux's release
 * manifests have none of these; a hand-made `flux.manifest` might.
 */
export function declarationFindings(objects: readonly KubeObject[]): DeclarationFindings {
    const namespacedCustom = namespacedCustomKinds(objects);
    const errors: string[] = [];
    const warnings: string[] = [];
    for (const o of objects) {
        const key = `${o.apiVersion}/${o.kind}`;
        const what = `${o.kind} ${o.metadata.name}`;
        const carried = CARRIED_FIELDS[key];
        const namespaced =
            carried !== undefined ? !CLUSTER_SCOPED.has(key) : namespacedCustom.has(key);
        if (namespaced && !o.metadata.namespace) {
            errors.push(`${what} has no metadata.namespace; give it the namespace it belongs in`);
        }
        const dropped =
            carried === undefined
                ? []
                : Object.keys(o).filter((f) => !SERVER_FIELDS.has(f) && !carried.includes(f));
        if (dropped.length > 0) {
            errors.push(
                `${what} has ${dropped.map((f) => `\`${f}\``).join(", ")}, which a ${o.kind} ` +
                    `does not have (it takes ${carried!.map((f) => `\`${f}\``).join(", ")}); ` +
                    "it would not be applied",
            );
        }
        if (o.metadata.annotations?.[DEPENDS_ON_ANNOTATION] !== undefined) {
            warnings.push(
                `${what}: \`${DEPENDS_ON_ANNOTATION}\` is not followed; the namespace and CRDs ` +
                    "are applied first, the Deployments after any image pull Secret, the rest in any order",
            );
        }
    }
    return { errors, warnings };
}

/** `apiVersion/kind` of every version of each namespaced CRD the objects hold. */
function namespacedCustomKinds(objects: readonly KubeObject[]): Set<string> {
    const kinds = new Set<string>();
    for (const o of objects) {
        if (o.kind !== "CustomResourceDefinition") continue;
        const spec = o.spec as
            | {
                  group?: string;
                  scope?: string;
                  names?: { kind?: string };
                  versions?: { name?: string }[];
              }
            | undefined;
        if (spec?.scope !== "Namespaced") continue;
        for (const v of spec.versions ?? []) {
            kinds.add(`${spec.group}/${v.name}/${spec.names?.kind}`);
        }
    }
    return kinds;
}
