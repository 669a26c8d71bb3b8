import { editDeployments, KubeObject, managerOf } from "./objects";

/**
 * `args` with `--flag=value` set: an existing `--flag=…` or bare `--flag` is
 * replaced in place, otherwise it is appended.
 */
export function setArg(args: string[], flag: string, value: string): string[] {
    const matches = (a: string) => a === flag || a.startsWith(`${flag}=`);
    const next = `${flag}=${value}`;
    return args.some(matches) ? args.map((a) => (matches(a) ? next : a)) : [...args, next];
}

/** Sets a flag on the manager container of the named controllers (all of them when `only` is undefined). */
export function withControllerArg(
    objects: KubeObject[],
    flag: string,
    value: string,
    only?: readonly string[],
): KubeObject[] {
    return editDeployments(objects, (d) => {
        if (only !== undefined && !only.includes(d.metadata.name)) return;
        const manager = managerOf(d);
        if (manager !== undefined) manager.args = setArg(manager.args ?? [], flag, value);
    });
}

/** `--log-level` of every controller (`flux install --log-level`). */
export function withLogLevel(objects: KubeObject[], level: string): KubeObject[] {
    return withControllerArg(objects, "--log-level", level);
}

/** `--watch-all-namespaces` of every controller; false limits them to the Flux namespace. */
export function withWatchAllNamespaces(objects: KubeObject[], all: boolean): KubeObject[] {
    return withControllerArg(objects, "--watch-all-namespaces", String(all));
}

/** The cluster domain Flux's release manifest is built for. */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/**
 * Service addresses in controller args and env (events address, storage
 * advertise address) under another cluster domain: `<svc>.<ns>.svc.cluster.local.`
 * becomes `<svc>.<ns>.svc.<domain>.`
 */
export function withClusterDomain(objects: KubeObject[], domain: string): KubeObject[] {
    const from = `.svc.${DEFAULT_CLUSTER_DOMAIN}`;
    const swap = (s: string) => s.split(from).join(`.svc.${domain}`);
    return editDeployments(objects, (d) => {
        const manager = managerOf(d);
        if (manager === undefined) return;
        if (manager.args !== undefined) manager.args = manager.args.map(swap);
        for (const e of (manager.env as { value?: string }[] | undefined) ?? []) {
            if (typeof e.value === "string") e.value = swap(e.value);
        }
    });
}

/** The controller that applies Kustomizations, and the name of its service account. */
export const KUSTOMIZE_CONTROLLER = "kustomize-controller";

/** Controllers that resolve references to other Flux objects (the Operator's list). */
export const CROSS_NAMESPACE_REF_CONTROLLERS = [
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
    "image-reflector-controller",
    "image-automation-controller",
] as const;

/** Controllers that apply workloads and so impersonate a service account. */
export const IMPERSONATING_CONTROLLERS = ["kustomize-controller", "helm-controller"] as const;

/**
 * Multi-tenancy lockdown as the Flux Operator's `cluster.multitenant` applies
 * it: no references across namespaces, no remote kustomize bases, and
 * Kustomizations/HelmReleases without a service account impersonate
 * `defaultServiceAccount` of their own namespace instead of running as the
 * controller (cluster-admin).
 */
export function withMultitenantLockdown(
    objects: KubeObject[],
    defaultServiceAccount: string,
): KubeObject[] {
    let out = withControllerArg(
        objects,
        "--no-cross-namespace-refs",
        "true",
        CROSS_NAMESPACE_REF_CONTROLLERS,
    );
    out = withControllerArg(out, "--no-remote-bases", "true", ["kustomize-controller"]);
    return withControllerArg(
        out,
        "--default-service-account",
        defaultServiceAccount,
        IMPERSONATING_CONTROLLERS,
    );
}
