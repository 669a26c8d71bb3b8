import { appliedAnnotations, tokenOf, WAIT_FOR } from "../readiness";
import { KubeObject } from "./objects";

const SKIP_AWAIT = "pulumi.com/skipAwait";

/**
 * The install's kinds that @pulumi/kubernetes (4.x) awaits by watching the object after it
 * applies it, with what the await waits for. The watch goes through an informer the provider
 * shares between the objects of a kind and namespace, whose copy can still be the object as it
 * was before this apply; the await then ends on that copy and the state records it, and the next
 * preview proposes the same change again. A label change alone (a new release's version label,
 * a `flux.patches` label) keeps the object's generation, so nothing tells the copies apart.
 * Each of these objects therefore waits, through `pulumi.com/waitFor` (which replaces the
 * provider's own await), for the conditions below and for this apply's token.
 *
 * Every other kind of the install (Namespace, CRDs, RBAC, ServiceAccounts, NetworkPolicies,
 * ResourceQuota, Secrets) has no watching await: the provider records the API server's answer
 * to the apply itself.
 */
export const WATCHED_KINDS: Readonly<Record<string, readonly string[]>> = {
    // The provider's own test for a finished rollout; the conditions count only once the
    // deployment controller has observed this generation (waitFor checks observedGeneration).
    Deployment: [
        "condition=Available",
        "jsonpath={.status.conditions[?(@.type=='Progressing')].reason}=NewReplicaSetAvailable",
    ],
    // The provider waits for the endpoints, that is for the pods, which their Deployment's
    // wait already covers.
    Service: [],
};

/** A `pulumi.com/waitFor` value as a list (the annotation holds one expression or a JSON list). */
function conditionsOf(waitFor: string): string[] {
    try {
        const parsed: unknown = JSON.parse(waitFor);
        if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
        // A single expression.
    }
    return [waitFor];
}

/**
 * `object` with the annotations that make the provider's await end only on this apply's copy:
 * for the kinds in WATCHED_KINDS and any object given its own `pulumi.com/waitFor` (through
 * `flux.patches`, which waits through the same informers), the conditions and a token, a digest
 * of everything else the object declares. Unchanged when the object is not awaited by a watch
 * or skips the await (`pulumi.com/skipAwait`).
 */
export function withAppliedToken(object: KubeObject): KubeObject {
    const annotations = object.metadata.annotations ?? {};
    const own = annotations[WAIT_FOR];
    const watched = Object.hasOwn(WATCHED_KINDS, object.kind)
        ? WATCHED_KINDS[object.kind]
        : undefined;
    const conditions = own !== undefined ? conditionsOf(own) : watched;
    if (conditions === undefined || annotations[SKIP_AWAIT] === "true") return object;
    const token = tokenOf({ object, conditions });
    return {
        ...object,
        metadata: {
            ...object.metadata,
            annotations: { ...annotations, ...appliedAnnotations(conditions, token) },
        },
    };
}
