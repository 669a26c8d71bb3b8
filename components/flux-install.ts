import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FluxSettings } from "../stacks/types";

/**
 * The release, namespace and manifest of the install. `keepOnDestroy` leaves
 * controllers and CRDs in place on `pulumi destroy`: deleting the CRDs deletes
 * every Flux object in the cluster, including the HelmReleases of layers whose
 * deletionPolicy is Orphan, and helm-controller would then uninstall them.
 */
export type FluxInstallArgs = FluxSettings;

/**
 * Flux's controllers and CRDs (the seed's `gotk-components.yaml`).
 *
 * Anything Flux-typed must `dependsOn` this component: the ConfigFile applies
 * CRDs and the namespace first and waits for the controllers' Deployments, so
 * no custom resource is sent before its CRD and no object waits for Ready on a
 * controller that is not running.
 */
export class FluxInstall extends pulumi.ComponentResource {
    public readonly namespace: string;
    /** A Pulumi secret when the flux key is stored as one. */
    public readonly version: pulumi.Output<string>;
    /** The objects of the manifest. */
    public readonly resources: pulumi.Output<unknown[]>;

    constructor(name: string, args: FluxInstallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:FluxInstall", name, {}, opts);
        const manifest = new k8s.yaml.v2.ConfigFile(
            name,
            { file: args.confidential ? pulumi.secret(args.manifest) : args.manifest },
            // Construct passes retainOnDelete on to the manifest's objects (tests/e2e checks destroy keeps them).
            { parent: this, retainOnDelete: args.keepOnDestroy },
        );
        this.namespace = args.namespace;
        this.version = args.confidential
            ? pulumi.secret(args.version)
            : pulumi.output(args.version);
        this.resources = manifest.resources;
        this.registerOutputs({ namespace: this.namespace, version: this.version });
    }
}
