import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    buildReceiverSpec,
    NOTIFICATION_SECRET_KEYS,
    ObjectRef,
    RECEIVER_API_VERSION,
    ReceiverSettings,
} from "../flux/notifications";
import { readinessAnnotations, ReadinessSettings } from "../flux/readiness";
import { webhookPathOf } from "../flux/status";
import { secretData } from "./secret-data";
import { STATUS_OUTPUT, statusOf } from "./status";

export interface FluxReceiverArgs extends ReceiverSettings<pulumi.Output<string>> {
    /** The Flux namespace; with the name and token it makes the webhook path. */
    namespace: string;
    /** The layers' source, which a webhook call makes source-controller fetch at once. */
    source: ObjectRef;
    /**
     * Whether and how long `pulumi up` waits for the Receiver to be Ready: only a
     * Ready Receiver has its webhook path. Without waiting, the path is known after
     * a `pulumi refresh`.
     */
    readiness: ReadinessSettings;
}

/**
 * The push webhook: a Receiver and its token's Secret. A POST to the path
 * notification-controller gives it (`/hook/<sha256>`, served by the
 * `webhook-receiver` Service) makes Flux reconcile the source, and the layers
 * listed, at once.
 */
export class FluxReceiver extends pulumi.ComponentResource {
    public readonly receiver: k8s.apiextensions.CustomResource;
    /**
     * `status.webhookPath`, as a Pulumi secret: with a `generic` Receiver the
     * path alone lets anyone trigger a reconciliation. Null until Ready.
     */
    public readonly webhookPath: pulumi.Output<string | null>;

    constructor(name: string, args: FluxReceiverArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:FluxReceiver", name, {}, opts);
        // Component options such as dependsOn are not inherited by children.
        const after = { parent: this, dependsOn: opts?.dependsOn };
        const secret = new k8s.core.v1.Secret(
            `${name}-token`,
            {
                metadata: { name: args.secretName, namespace: args.namespace },
                type: "Opaque",
                data: secretData({ [NOTIFICATION_SECRET_KEYS.token]: args.token }),
            },
            { ...after, additionalSecretOutputs: ["data", "stringData"] },
        );
        const spec = buildReceiverSpec(args, args.source);
        this.receiver = new k8s.apiextensions.CustomResource(
            name,
            {
                apiVersion: RECEIVER_API_VERSION,
                kind: "Receiver",
                metadata: {
                    name: args.name,
                    namespace: args.namespace,
                    annotations: readinessAnnotations(args.readiness, spec),
                },
                spec,
                ...STATUS_OUTPUT,
            },
            // The status holds the path twice (webhookPath, and the Ready message).
            pulumi.mergeOptions(after, {
                dependsOn: [secret],
                additionalSecretOutputs: ["status"],
            }),
        );
        this.webhookPath = pulumi.secret(statusOf(this.receiver).apply(webhookPathOf));
        this.registerOutputs({});
    }
}
