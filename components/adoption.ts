import * as pulumi from "@pulumi/pulumi";

/** A Kubernetes object by kind, namespace ("" when cluster-scoped) and name. */
export interface ObjectName {
    kind: string;
    namespace: string;
    name: string;
}

/**
 * `Kind namespace/name`, or `Kind name` when cluster-scoped: how `npm run takeover` lists
 * the objects to adopt in `flux-gitops:takeover`, and how its plan prints them.
 */
export function adoptionKey(o: ObjectName): string {
    return o.namespace === "" ? `${o.kind} ${o.name}` : `${o.kind} ${o.namespace}/${o.name}`;
}

/** The ID @pulumi/kubernetes imports an object by: `namespace/name`, or `name`. */
export function importId(o: ObjectName): string {
    return o.namespace === "" ? o.name : `${o.namespace}/${o.name}`;
}

/** A value a transform receives, out of the wrapper the SDK puts around secret values. */
function reveal(v: unknown): unknown {
    const o = v as Record<string, unknown> | null | undefined;
    return o !== null &&
        typeof o === "object" &&
        o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
        ? o.value
        : v;
}

/** Which object a resource registration declares; undefined when it is not a Kubernetes object. */
export function objectOf(args: pulumi.ResourceTransformArgs): ObjectName | undefined {
    if (
        !args.custom ||
        !args.type.startsWith("kubernetes:") ||
        args.type.startsWith("kubernetes:yaml")
    ) {
        return undefined;
    }
    const props = reveal(args.props) as Record<string, unknown> | undefined;
    const metadata = reveal(props?.metadata) as Record<string, unknown> | undefined;
    const name = reveal(metadata?.name);
    const namespace = reveal(metadata?.namespace) ?? "";
    // An unknown name (a preview of an object named after another's output) is not one of ours.
    if (typeof name !== "string" || typeof namespace !== "string") return undefined;
    return { kind: args.type.slice(args.type.lastIndexOf(":") + 1), namespace, name };
}

/**
 * A stack transform that gives each listed object the `import` option, so the engine reads
 * the live object into the state ("= import" in `pulumi preview`), fails if it is not there,
 * and then updates it in place by server-side apply: the same on every @pulumi/kubernetes
 * version, without the create-that-upserts of 4.x up to 4.28. The engine refuses to replace
 * an imported resource, so a takeover can never become a delete. Objects not listed are
 * created as usual.
 */
export function adoptListed(keys: readonly string[]): pulumi.ResourceTransform {
    const listed = new Set(keys);
    return (args) => {
        const o = objectOf(args);
        if (o === undefined || !listed.has(adoptionKey(o))) return undefined;
        return {
            props: args.props,
            opts: pulumi.mergeOptions(args.opts, { import: importId(o) }),
        };
    };
}
