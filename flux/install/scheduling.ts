import { editDeployments, KubeObject, managerOf, podSpecOf } from "./objects";

/** A pod toleration, as in the Kubernetes API. */
export interface Toleration {
    key?: string;
    operator?: "Exists" | "Equal";
    value?: string;
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
    tolerationSeconds?: number;
}

/** Requests and limits of the manager container (quantities such as `100m`, `1Gi`). */
export interface Resources {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
}

/** Where and how big one controller runs. */
export interface Scheduling {
    /** Appended to the pod's tolerations (`flux install --toleration-keys` adds `{key, operator: Exists}`). */
    tolerations?: Toleration[];
    /** Merged over the pod's nodeSelector. */
    nodeSelector?: Record<string, string>;
    /** Merged over the manager container's requests and limits, quantity by quantity. */
    resources?: Resources;
}

/**
 * Scheduling applied to every controller, then per controller (keyed by the
 * Deployment's name, e.g. `kustomize-controller`) on top of it.
 */
export function withScheduling(
    objects: KubeObject[],
    all: Scheduling,
    perController: Record<string, Scheduling> = {},
): KubeObject[] {
    return editDeployments(objects, (d) => {
        applyScheduling(d, all);
        const own = perController[d.metadata.name];
        if (own !== undefined) applyScheduling(d, own);
    });
}

function applyScheduling(d: KubeObject, s: Scheduling): void {
    const pod = podSpecOf(d);
    if (pod === undefined) return;
    if (s.tolerations !== undefined && s.tolerations.length > 0) {
        const existing = (pod.tolerations as Toleration[] | undefined) ?? [];
        const seen = new Set(existing.map((t) => JSON.stringify(t)));
        pod.tolerations = [
            ...existing,
            ...s.tolerations.filter((t) => !seen.has(JSON.stringify(t))),
        ];
    }
    if (s.nodeSelector !== undefined) {
        pod.nodeSelector = {
            ...((pod.nodeSelector as Record<string, string>) ?? {}),
            ...s.nodeSelector,
        };
    }
    const manager = managerOf(d);
    if (s.resources !== undefined && manager !== undefined) {
        const r = (manager.resources as Resources | undefined) ?? {};
        manager.resources = {
            ...r,
            ...(s.resources.requests && { requests: { ...r.requests, ...s.resources.requests } }),
            ...(s.resources.limits && { limits: { ...r.limits, ...s.resources.limits } }),
        };
    }
}
