import * as pulumi from "@pulumi/pulumi";
import { importId, ObjectName, objectKey, TAKEOVER_FIELD_MANAGER } from "../flux/keys";
import { retoken } from "../flux/readiness";

const FIELD_MANAGER_ANNOTATION = "pulumi.com/patchFieldManager";

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
    // The engine sends the inputs as a map; any of its values may be a secret.
    const metadata = reveal(args.props.metadata) as Record<string, unknown> | undefined;
    const name = reveal(metadata?.name);
    const namespace = reveal(metadata?.namespace) ?? "";
    // An unknown name (a preview of an object named after another's output) is not one of ours.
    if (typeof name !== "string" || typeof namespace !== "string") return undefined;
    return { kind: args.type.slice(args.type.lastIndexOf(":") + 1), namespace, name };
}

/** `props` with the takeover's field manager annotation, secret-wrapped parts kept secret. */
function withFieldManager(props: pulumi.Inputs): pulumi.Inputs {
    const isSecret = (v: unknown) => reveal(v) !== v;
    // The engine sends a resource's inputs as a map; any of its values may be a secret.
    const object = props as Record<string, unknown>;
    const metadata = reveal(object.metadata) as Record<string, unknown>;
    const annotations = (reveal(metadata.annotations) ?? {}) as Record<string, unknown>;
    const keep = (was: unknown, v: unknown) => (isSecret(was) ? pulumi.secret(v) : v);
    return {
        ...object,
        metadata: keep(object.metadata, {
            ...metadata,
            // The object before the takeover's update must not end the wait: the token changes too.
            annotations: keep(
                metadata.annotations,
                retoken(
                    { ...annotations, [FIELD_MANAGER_ANNOTATION]: TAKEOVER_FIELD_MANAGER },
                    TAKEOVER_FIELD_MANAGER,
                ),
            ),
        }),
    };
}

/**
 * The transform every component gets while `flux-gitops:takeover` lists objects. Each listed
 * object gets the `import` option: the engine reads the live object into the state ("= import"
 * in `pulumi preview`, an error if it is not there, never a create) and then updates in place
 * what differs, by server-side apply. Nothing rests on what the provider does when asked to create
 * an existing object (4.x up to 4.28 apply onto it, later versions refuse by default). The
 * engine refuses to replace an imported resource, so
 * a takeover can never turn into a delete. The update applies with TAKEOVER_FIELD_MANAGER.
 * Objects not listed are created as usual.
 */
export function adoptListed(keys: readonly string[]): pulumi.ResourceTransform {
    const listed = new Set(keys);
    return (args) => {
        const o = objectOf(args);
        if (o === undefined || !listed.has(objectKey(o))) return undefined;
        return {
            props: withFieldManager(args.props),
            opts: pulumi.mergeOptions(args.opts, { import: importId(o) }),
        };
    };
}
