import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FluxPullSecret, KubeObject, withAppliedToken } from "../flux/install";
import { secretData } from "./secret-data";

/**
 * The release, namespace and the install's objects (built from the manifest by
 * flux/install). `keepOnDestroy` leaves controllers and CRDs in
 * place on `pulumi destroy`: deleting the CRDs deletes every Flux object in the
 * cluster, including the HelmReleases of layers whose deletionPolicy is
 * Orphan, and helm-controller would then uninstall them.
 */
export interface FluxInstallArgs {
    /** Flux release, e.g. `v2.9.5`; exported as the stack's `fluxVersion`. */
    version: string;
    /** Namespace the objects install the controllers into. */
    namespace: string;
    /** The install's objects: the manifest with the install options applied (no secrets in them). */
    objects: KubeObject[];
    /** Leave the controllers and CRDs in the cluster when the stack is destroyed. */
    keepOnDestroy: boolean;
    /** Every value is a Pulumi secret (the `flux` config key is stored as one). */
    confidential?: boolean;
    /** The image pull Secret the controllers pull with, its content a Pulumi secret. */
    pullSecret?: FluxPullSecret<pulumi.Output<string>>;
}

/** The image pull Secret as an object of the install, so it exists before the controllers' pods pull. */
export function pullSecretObject(
    namespace: string,
    s: FluxPullSecret<pulumi.Input<string>>,
): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: s.name, namespace },
        type: "kubernetes.io/dockerconfigjson",
        data: secretData({ ".dockerconfigjson": s.dockerConfigJson }),
    };
}

/** How earlier versions of this program declared the install. */
export const EARLIER_INSTALL_TYPE = "kubernetes:yaml/v2:ConfigFile";

/**
 * A transform giving each object of the install an alias to the same object
 * under `earlierParent`, so a stack deployed before moves its objects instead
 * of creating new ones and deleting the old (which would delete the CRDs).
 */
export function aliasUnder(earlierParent: pulumi.Input<string>): pulumi.ResourceTransform {
    return (args) =>
        args.type === "kubernetes:yaml/v2:ConfigGroup"
            ? undefined
            : {
                  props: args.props,
                  opts: pulumi.mergeOptions(args.opts, { aliases: [{ parent: earlierParent }] }),
              };
}

/**
 * A transform keeping a Service's cluster IPs out of every diff: the API server assigns them and
 * the install never sets them. An imported Service (npm run takeover) has them in its recorded
 * inputs, and @pulumi/kubernetes replaces a Service whose `spec.clusterIP` changes, which the
 * engine refuses for an imported object and which would give the Service a new address later.
 */
export const keepAssignedClusterIps: pulumi.ResourceTransform = (args) =>
    args.type === "kubernetes:core/v1:Service"
        ? {
              props: args.props,
              opts: pulumi.mergeOptions(args.opts, {
                  ignoreChanges: ["spec.clusterIP", "spec.clusterIPs"],
              }),
          }
        : undefined;

/**
 * The transforms one after the other, as the engine would apply them, in one transform: the
 * engine calls each transform through the program for every object of the group with all of
 * its properties (a CRD's whole schema), and once for the group itself with every object.
 */
export function inSequence(...transforms: pulumi.ResourceTransform[]): pulumi.ResourceTransform {
    return async (args) => {
        let current = args;
        let changed = false;
        for (const transform of transforms) {
            const r = await transform(current);
            if (r !== undefined) {
                current = { ...current, props: r.props, opts: r.opts };
                changed = true;
            }
        }
        return changed ? { props: current.props, opts: current.opts } : undefined;
    };
}

/**
 * Flux's controllers and CRDs (the seed's `gotk-components.yaml`).
 *
 * Anything Flux-typed must `dependsOn` this component: the group applies CRDs
 * and the namespace first and waits for the controllers' Deployments, so no
 * custom resource is sent before its CRD and no object waits for Ready on a
 * controller that is not running.
 *
 * Each object's resource is named after its namespace and name only, never
 * after the release, so a new `flux.version` updates every object in place and
 * no CRD is ever deleted and re-created (which would delete every object of
 * its kind).
 */
export class FluxInstall extends pulumi.ComponentResource {
    public readonly namespace: string;
    /** A Pulumi secret when the flux key is stored as one. */
    public readonly version: pulumi.Output<string>;
    /** The objects of the install. */
    public readonly resources: pulumi.Output<unknown[]>;

    constructor(name: string, args: FluxInstallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:FluxInstall", name, {}, opts);
        // The state must record each object as this `up` applied it (see WATCHED_KINDS).
        const objs: unknown[] = args.objects.map(withAppliedToken);
        if (args.pullSecret !== undefined) {
            objs.push(pullSecretObject(args.namespace, args.pullSecret));
        }
        const install = new k8s.yaml.v2.ConfigGroup(
            name,
            // Every value from a flux key stored as a secret is a secret, the built objects too.
            { objs: args.confidential ? pulumi.secret(objs) : objs },
            {
                parent: this,
                // Construct passes retainOnDelete on to the objects.
                retainOnDelete: args.keepOnDestroy,
                // Earlier versions applied the manifest as a ConfigFile of the same name. An alias
                // on the group reaches neither it nor the objects (every object, CRDs included,
                // would be re-created), so each object is aliased to its resource under that
                // ConfigFile; only the group itself, which owns nothing in the cluster, is new.
                transforms: [
                    inSequence(
                        aliasUnder(pulumi.createUrn(name, EARLIER_INSTALL_TYPE, this)),
                        keepAssignedClusterIps,
                    ),
                ],
            },
        );
        this.namespace = args.namespace;
        this.version = args.confidential
            ? pulumi.secret(args.version)
            : pulumi.output(args.version);
        this.resources = install.resources;
        this.registerOutputs({ namespace: this.namespace, version: this.version });
    }
}
