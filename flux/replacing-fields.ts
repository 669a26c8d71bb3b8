/**
 * Fields that Kubernetes does not change in place, per kind: @pulumi/kubernetes replaces the object
 * (deletes and re-creates it) when one of them changes. One table for the upgrade model and the
 * takeover, which must refuse such a change before the engine meets it on an imported object.
 * A Service's cluster IP is among them; the install keeps it out of every diff (it never sets it).
 */
export const REPLACING_FIELDS: Readonly<Record<string, readonly (readonly string[])[]>> = {
    Deployment: [["spec", "selector"]],
    DaemonSet: [["spec", "selector"]],
    StatefulSet: [
        ["spec", "selector"],
        ["spec", "serviceName"],
        ["spec", "podManagementPolicy"],
        ["spec", "volumeClaimTemplates"],
    ],
    RoleBinding: [["roleRef"]],
    ClusterRoleBinding: [["roleRef"]],
    Secret: [["type"]],
    Service: [["spec", "clusterIP"]],
    CustomResourceDefinition: [
        ["spec", "group"],
        ["spec", "names", "plural"],
        ["spec", "scope"],
    ],
};

/** The value at `path` inside `o`; undefined where any step is missing. */
export function valueAt(o: unknown, path: readonly string[]): unknown {
    return path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
}
