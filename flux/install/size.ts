import { setArg } from "./args";
import { editDeployments, KubeObject, managerOf } from "./objects";
import { Resources } from "./scheduling";

/** The Flux Operator's `cluster.size` names. */
export const SIZES = ["small", "medium", "large"] as const;
export type Size = (typeof SIZES)[number];

/** What a size sets on each controller it applies to. */
interface SizePreset {
    /** `--concurrent`: how many objects the controller reconciles at once. */
    concurrent: number;
    /** The manager container's CPU limit. */
    cpu: string;
    /** The manager container's memory limit. */
    memory: string;
    /** `--requeue-dependency`: how soon an object waiting for a dependency is tried again. */
    requeueDependency: string;
}

/** The Flux Operator's `cluster.size` figures (issue 17's table). */
export const SIZE_PRESETS: Record<Size, SizePreset> = {
    small: { concurrent: 5, cpu: "1", memory: "512Mi", requeueDependency: "10s" },
    medium: { concurrent: 10, cpu: "2", memory: "1Gi", requeueDependency: "5s" },
    large: { concurrent: 20, cpu: "3", memory: "3Gi", requeueDependency: "5s" },
};

/** The controllers a size applies to: those that reconcile the layers and their HelmReleases. */
const SIZED_CONTROLLERS = ["kustomize-controller", "helm-controller"] as const;

/**
 * kustomize-controller and helm-controller sized as the preset says: the two
 * flags set (replaced in place when present), the CPU and memory limits set
 * over the manifest's, requests and other limits kept. Other controllers are
 * unchanged. Applied before the per-controller settings and the patches, so
 * `flux.controllers.*.resources` and `flux.patches` still win.
 */
export function withSize(objects: KubeObject[], size: Size): KubeObject[] {
    const p = SIZE_PRESETS[size];
    return editDeployments(objects, (d) => {
        if (!(SIZED_CONTROLLERS as readonly string[]).includes(d.metadata.name)) return;
        const manager = managerOf(d);
        if (manager === undefined) return;
        let args = setArg(manager.args ?? [], "--concurrent", String(p.concurrent));
        args = setArg(args, "--requeue-dependency", p.requeueDependency);
        manager.args = args;
        const r = (manager.resources as Resources | undefined) ?? {};
        manager.resources = { ...r, limits: { ...r.limits, cpu: p.cpu, memory: p.memory } };
    });
}
