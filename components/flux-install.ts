import * as pulumi from "@pulumi/pulumi";
import { FluxPullSecret, KubeObject, withAppliedToken } from "../flux/install";
import { declareObject, ObjectArgs } from "./kube-object";
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

/** An object of the install: a built one, or the image pull Secret with its secret content. */
interface InstallObject extends ObjectArgs {
    metadata: { name: string; namespace?: string; [key: string]: unknown };
}

/** The image pull Secret as an object of the install, so it exists before the controllers' pods pull. */
export function pullSecretObject(
    namespace: string,
    s: FluxPullSecret<pulumi.Input<string>>,
): InstallObject {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: s.name, namespace },
        type: "kubernetes.io/dockerconfigjson",
        data: secretData({ ".dockerconfigjson": s.dockerConfigJson }),
    };
}

/** How earlier versions of this program declared the install: the manifest as one ConfigFile. */
export const EARLIER_INSTALL_TYPE = "kubernetes:yaml/v2:ConfigFile";
/** How the versions before this one declared it: the built objects as one ConfigGroup. */
const GROUPED_INSTALL_TYPE = "kubernetes:yaml/v2:ConfigGroup";

/**
 * The name of an object's resource: its namespace and name after the component's name, as the
 * ConfigGroup (and the ConfigFile before it) named its objects, so existing stacks keep theirs.
 */
function objectResourceName(prefix: string, object: InstallObject): string {
    const { name, namespace } = object.metadata;
    return namespace ? `${prefix}:${namespace}/${name}` : `${prefix}:${name}`;
}

/** The objects everything else of the install is applied after: namespaces and CRDs. */
function isFoundation(object: { apiVersion: string; kind: string }): boolean {
    return (
        (object.apiVersion === "v1" && object.kind === "Namespace") ||
        (object.apiVersion === "apiextensions.k8s.io/v1" &&
            object.kind === "CustomResourceDefinition")
    );
}

/**
 * The options of one object beyond its parent and order: kept on `pulumi destroy` when asked,
 * its resource under the earlier ConfigGroup and ConfigFile moved rather than re-created
 * (`earlierParents`), and a Service's cluster IPs kept out of every diff. The API server assigns
 * them and the install never sets them, but an imported Service (npm run takeover) has them in
 * its recorded inputs, and @pulumi/kubernetes replaces a Service whose `spec.clusterIP` changes,
 * which the engine refuses for an imported object and which would give the Service a new address.
 */
function objectOptions(
    object: { apiVersion: string; kind: string },
    keepOnDestroy: boolean,
    earlierParents: pulumi.Input<string>[],
): pulumi.CustomResourceOptions {
    return {
        retainOnDelete: keepOnDestroy,
        aliases: earlierParents.map((parent) => ({ parent })),
        ...(object.apiVersion === "v1" &&
            object.kind === "Service" && { ignoreChanges: ["spec.clusterIP", "spec.clusterIPs"] }),
    };
}

/** `object` with every value but its apiVersion and kind a Pulumi secret. */
function allSecret(object: ObjectArgs): ObjectArgs {
    const { apiVersion, kind, ...rest } = object;
    const secret = Object.entries(rest).map(([k, v]) => [k, pulumi.secret(v)]);
    return { apiVersion, kind, ...Object.fromEntries(secret) };
}

/**
 * Flux's controllers and CRDs (the seed's `gotk-components.yaml`), each object a resource of
 * this component.
 *
 * Anything Flux-typed must `dependsOn` this component, which waits for every object: the
 * namespace and CRDs are applied before the other objects, and the controllers' Deployments
 * are awaited (flux/install/awaited.ts), so no custom resource is sent before its CRD and no
 * object waits for Ready on a controller that is not running.
 *
 * Each object's resource is named after its namespace and name only, never after the release,
 * so a new `flux.version` updates every object in place and no CRD is ever deleted and
 * re-created (which would delete every object of its kind).
 */
export class FluxInstall extends pulumi.ComponentResource {
    public readonly namespace: string;
    /** A Pulumi secret when the flux key is stored as one. */
    public readonly version: pulumi.Output<string>;
    /** The objects of the install, one resource each. */
    public readonly objects: readonly pulumi.CustomResource[];

    constructor(name: string, args: FluxInstallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:FluxInstall", name, {}, opts);
        // The state must record each object as this `up` applied it (see WATCHED_KINDS).
        const objs: InstallObject[] = args.objects.map(withAppliedToken);
        // Earlier versions declared the same objects, under the same names, as the children of a
        // ConfigGroup and before that of a ConfigFile named like this component: an alias to
        // each keeps the object (a new URN alone would delete and re-create it, CRDs included).
        const earlierParents = [GROUPED_INSTALL_TYPE, EARLIER_INSTALL_TYPE].map((t) =>
            pulumi.createUrn(name, t, this),
        );
        const declare = (o: InstallObject, after: pulumi.Resource[]) =>
            declareObject(
                objectResourceName(name, o),
                // Every value from a flux key stored as a secret is a secret, the objects' too.
                args.confidential ? allSecret(o) : o,
                {
                    parent: this,
                    dependsOn: after,
                    ...objectOptions(o, args.keepOnDestroy, earlierParents),
                },
            );
        const foundation = objs.filter(isFoundation).map((o) => declare(o, []));
        // The image pull Secret exists before the controllers' pods pull.
        const pull =
            args.pullSecret === undefined
                ? []
                : [declare(pullSecretObject(args.namespace, args.pullSecret), foundation)];
        const rest = objs
            .filter((o) => !isFoundation(o))
            .map((o) =>
                declare(o, o.kind === "Deployment" ? [...foundation, ...pull] : foundation),
            );
        this.namespace = args.namespace;
        this.version = args.confidential
            ? pulumi.secret(args.version)
            : pulumi.output(args.version);
        this.objects = [...foundation, ...pull, ...rest];
        this.registerOutputs({ namespace: this.namespace, version: this.version });
    }
}
