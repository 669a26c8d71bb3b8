import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    ALERT_API_VERSION,
    AlertSettings,
    buildAlertSpec,
    buildProviderSpec,
    ObjectRef,
    PROVIDER_API_VERSION,
    providerSecretData,
    ProviderSettings,
} from "../flux/notifications";
import { secretData } from "./secret-data";

export interface FluxNotificationsArgs {
    /** The Flux namespace; notification-controller reads Providers, Alerts and their Secrets there. */
    namespace: string;
    /** The Providers; each one's address and token are Pulumi secrets and go into its own Secret. */
    providers: ProviderSettings<pulumi.Output<string>>[];
    /** The Alerts; each names one of `providers`. */
    alerts: AlertSettings[];
    /** The layers' source, whose events an Alert with `source` sends. */
    source: ObjectRef;
}

/**
 * Where Flux's events go: a Provider per destination (with a Secret when it has
 * an address or token from a secret key), and the Alerts that route the layers'
 * and the source's events to them. Declared before the layers, so a failure of
 * their first reconciliation is reported. Provider and Alert have no Ready
 * condition in v1beta3: nothing waits for them.
 */
export class FluxNotifications extends pulumi.ComponentResource {
    /** The Providers by name. */
    public readonly providers: Record<string, k8s.apiextensions.CustomResource> = {};
    /** The Alerts by name. */
    public readonly alerts: Record<string, k8s.apiextensions.CustomResource> = {};

    constructor(name: string, args: FluxNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:FluxNotifications", name, {}, opts);
        // Component options such as dependsOn are not inherited by children.
        const after = { parent: this, dependsOn: opts?.dependsOn };
        for (const p of args.providers) {
            this.providers[p.name] = this.declareProvider(
                `${name}-provider-${p.name}`,
                p,
                args,
                after,
            );
        }
        for (const a of args.alerts) {
            this.alerts[a.name] = new k8s.apiextensions.CustomResource(
                `${name}-alert-${a.name}`,
                {
                    apiVersion: ALERT_API_VERSION,
                    kind: "Alert",
                    metadata: { name: a.name, namespace: args.namespace },
                    spec: buildAlertSpec(a, args.source),
                },
                pulumi.mergeOptions(after, { dependsOn: [this.providers[a.provider]] }),
            );
        }
        this.registerOutputs({});
    }

    /** A Provider, after its Secret when it has one (its first event would fail without it). */
    private declareProvider(
        name: string,
        p: ProviderSettings<pulumi.Output<string>>,
        args: FluxNotificationsArgs,
        after: pulumi.CustomResourceOptions,
    ): k8s.apiextensions.CustomResource {
        const data = providerSecretData(p);
        const secret =
            data === undefined
                ? undefined
                : new k8s.core.v1.Secret(
                      name,
                      {
                          metadata: { name: p.secretName, namespace: args.namespace },
                          type: "Opaque",
                          data: secretData(data),
                      },
                      { ...after, additionalSecretOutputs: ["data", "stringData"] },
                  );
        return new k8s.apiextensions.CustomResource(
            name,
            {
                apiVersion: PROVIDER_API_VERSION,
                kind: "Provider",
                metadata: { name: p.name, namespace: args.namespace },
                spec: buildProviderSpec(p),
            },
            pulumi.mergeOptions(after, { dependsOn: secret }),
        );
    }
}
