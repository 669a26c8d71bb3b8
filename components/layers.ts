import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Layer } from "../stacks/types";
import { readinessAnnotations } from "./readiness";

export const KUSTOMIZATION_API_VERSION = "kustomize.toolkit.fluxcd.io/v1";

/** What every layer shares. */
export interface LayerContext {
    /** The GitRepository or OCIRepository the layers build from. */
    sourceRef: { kind: "GitRepository" | "OCIRepository"; name: string };
    /** The Secret holding the age key (`decryption.secretRef`). */
    decryptionSecretName: string;
    /**
     * Service account the layers are applied as. Set under the multi-tenancy
     * lockdown, where a Kustomization without one impersonates the namespace's
     * `default` account (which may do nothing); unset, the controller's own
     * account applies them.
     */
    serviceAccountName?: string;
}

export interface FluxLayersArgs extends LayerContext {
    /** The Flux namespace; the Kustomizations live there. */
    namespace: string;
    /** The layers, each after the layers it depends on. */
    layers: Layer[];
    /** Whether `pulumi up` waits for each layer to be Ready (each layer's own timeout applies). */
    readinessEnabled: boolean;
}

/** The `spec` of one layer's Flux Kustomization. Unset options are left out, so Flux's defaults apply. */
export function buildKustomizationSpec(layer: Layer, ctx: LayerContext): Record<string, unknown> {
    const spec: Record<string, unknown> = {
        interval: layer.interval,
        path: layer.path,
        prune: layer.prune,
        sourceRef: ctx.sourceRef,
        // Every layer may hold SOPS files; decrypting is a no-op for plain ones.
        decryption: { provider: "sops", secretRef: { name: ctx.decryptionSecretName } },
    };
    if (ctx.serviceAccountName !== undefined) spec.serviceAccountName = ctx.serviceAccountName;
    if (layer.dependsOn.length > 0) spec.dependsOn = layer.dependsOn.map((name) => ({ name }));
    if (layer.healthChecks.length > 0)
        spec.healthChecks = layer.healthChecks.map((h) => ({ ...h }));
    if (layer.timeout !== undefined) spec.timeout = layer.timeout;
    if (layer.retryInterval !== undefined) spec.retryInterval = layer.retryInterval;
    if (layer.wait !== undefined) spec.wait = layer.wait;
    if (layer.deletionPolicy !== undefined) spec.deletionPolicy = layer.deletionPolicy;
    if (layer.suspend !== undefined) spec.suspend = layer.suspend;
    if (layer.targetNamespace !== undefined) spec.targetNamespace = layer.targetNamespace;
    if (layer.substitute !== undefined) spec.postBuild = { substitute: { ...layer.substitute } };
    return spec;
}

/**
 * The layered Flux Kustomizations (the seed's infrastructure → databases →
 * apps). Each layer's resource also depends on the resources of the layers it
 * names in `dependsOn`, so Pulumi creates them in the order Flux applies them
 * and deletes dependents first.
 */
export class FluxLayers extends pulumi.ComponentResource {
    /** The Kustomizations by layer name. */
    public readonly kustomizations: Record<string, k8s.apiextensions.CustomResource> = {};
    /** Layer names, each after its dependencies. */
    public readonly names: string[];

    constructor(name: string, args: FluxLayersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:FluxLayers", name, {}, opts);
        for (const layer of args.layers) {
            const deps = layer.dependsOn.map((d) => this.kustomizations[d]);
            if (deps.some((d) => d === undefined)) {
                throw new Error(`layer ${layer.name} is listed before a layer it depends on`);
            }
            const spec = buildKustomizationSpec(layer, args);
            const annotations = readinessAnnotations(
                {
                    enabled: args.readinessEnabled,
                    timeout: layer.readinessTimeout ?? layer.interval,
                },
                spec,
                layer.suspend === true,
            );
            // Every value from a layers key stored as a secret is a secret; the token is derived from the spec.
            const secret = <T>(v: T) => (layer.confidential ? pulumi.secret(v) : v);
            this.kustomizations[layer.name] = new k8s.apiextensions.CustomResource(
                `${name}-${layer.name}`,
                {
                    apiVersion: KUSTOMIZATION_API_VERSION,
                    kind: "Kustomization",
                    metadata: {
                        name: layer.name,
                        namespace: args.namespace,
                        annotations: secret(annotations),
                    },
                    spec: secret(spec),
                },
                pulumi.mergeOptions(
                    { parent: this, dependsOn: opts?.dependsOn },
                    { dependsOn: deps },
                ),
            );
        }
        this.names = args.layers.map((l) => l.name);
        this.registerOutputs({ names: this.names });
    }
}
