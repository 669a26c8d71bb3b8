import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** An object of the install as a resource's arguments: apiVersion, kind and the rest. */
export type ObjectArgs = Record<string, pulumi.Input<unknown>> & {
    apiVersion: string;
    kind: string;
};

type KubeClass = new (
    name: string,
    args: Record<string, unknown>,
    opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/**
 * The @pulumi/kubernetes class of each kind a Flux release holds, and of every core (`v1`) kind,
 * by `apiVersion/kind`; each module is loaded on first use. Core kinds are registered as
 * `kubernetes:core/v1:<kind>`, which the generic CustomResource (`kubernetes:v1:<kind>`) would
 * not give; for every other kind both give `kubernetes:<apiVersion>:<kind>`.
 */
const CLASSES: Readonly<Record<string, () => KubeClass>> = {
    "v1/Binding": () => k8s.core.v1.Binding,
    "v1/ConfigMap": () => k8s.core.v1.ConfigMap,
    "v1/Endpoints": () => k8s.core.v1.Endpoints,
    "v1/Event": () => k8s.core.v1.Event,
    "v1/LimitRange": () => k8s.core.v1.LimitRange,
    "v1/Namespace": () => k8s.core.v1.Namespace,
    "v1/Node": () => k8s.core.v1.Node,
    "v1/PersistentVolume": () => k8s.core.v1.PersistentVolume,
    "v1/PersistentVolumeClaim": () => k8s.core.v1.PersistentVolumeClaim,
    "v1/Pod": () => k8s.core.v1.Pod,
    "v1/PodTemplate": () => k8s.core.v1.PodTemplate,
    "v1/ReplicationController": () => k8s.core.v1.ReplicationController,
    "v1/ResourceQuota": () => k8s.core.v1.ResourceQuota,
    "v1/Secret": () => k8s.core.v1.Secret,
    "v1/Service": () => k8s.core.v1.Service,
    "v1/ServiceAccount": () => k8s.core.v1.ServiceAccount,
    "apps/v1/Deployment": () => k8s.apps.v1.Deployment,
    "rbac.authorization.k8s.io/v1/ClusterRole": () => k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": () => k8s.rbac.v1.ClusterRoleBinding,
    "rbac.authorization.k8s.io/v1/Role": () => k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": () => k8s.rbac.v1.RoleBinding,
    "networking.k8s.io/v1/NetworkPolicy": () => k8s.networking.v1.NetworkPolicy,
    "apiextensions.k8s.io/v1/CustomResourceDefinition": () =>
        k8s.apiextensions.v1.CustomResourceDefinition,
} as unknown as Record<string, () => KubeClass>;

/**
 * One Kubernetes object as a resource of its @pulumi/kubernetes class (the generic
 * CustomResource for any other kind), under the type the ConfigGroup gave it.
 */
export function declareObject(
    name: string,
    object: ObjectArgs,
    opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
    const key = `${object.apiVersion}/${object.kind}`;
    if (Object.hasOwn(CLASSES, key)) {
        const { apiVersion: _apiVersion, kind: _kind, ...args } = object;
        return new (CLASSES[key]())(name, args, opts);
    }
    return new k8s.apiextensions.CustomResource(name, object, opts);
}
