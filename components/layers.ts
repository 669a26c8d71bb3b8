import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    buildKustomizationSpec,
    KUSTOMIZATION_API_VERSION,
    Layer,
    LayerContext,
} from "../flux/layers";
import { readinessAnnotations } from "../flux/readiness";
import { LayerStatus, layerStatusOf } from "../flux/status";
import { STATUS_OUTPUT, statusOf } from "./status";

export interface FluxLayersArgs extends LayerContext {
    /** The Flux namespace; the Kustomizations live there. */
    namespace: string;
    /** The layers, each after the layers it depends on. */
    layers: Layer[];
    /** Whether `pulumi up` waits for each layer to be Ready (each layer's own timeout applies). */
    readinessEnabled: boolean;
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
    /** Each layer's Ready and last applied revision, as `pulumi up` last read them. */
    public readonly status: pulumi.Output<Record<string, LayerStatus>>;

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
                        // None rather than an empty map, which the API server drops: the state
                        // would lack it and every preview would propose adding it.
                        ...(Object.keys(annotations).length > 0 && {
                            annotations: secret(annotations),
                        }),
                    },
                    spec: secret(spec),
                    ...STATUS_OUTPUT,
                },
                pulumi.mergeOptions(
                    { parent: this, dependsOn: opts?.dependsOn },
                    { dependsOn: deps },
                ),
            );
        }
        this.names = args.layers.map((l) => l.name);
        this.status = pulumi.all(
            Object.fromEntries(
                this.names.map((n) => [n, statusOf(this.kustomizations[n]).apply(layerStatusOf)]),
            ),
        );
        this.registerOutputs({ names: this.names });
    }
}
