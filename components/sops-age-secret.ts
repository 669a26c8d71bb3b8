import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AGE_KEY_DATA_KEY } from "../flux/sops";
import { secretData } from "./secret-data";

export interface SopsAgeSecretArgs {
    /** The Flux namespace: kustomize-controller looks up `decryption.secretRef` there. */
    namespace: string;
    /** Name the layers' `decryption.secretRef` uses (the seed: `sops-age`). */
    secretName: string;
    /** The age identities (an age key file), as a Pulumi secret. */
    ageKey: pulumi.Output<string>;
    /** The identities' public recipients; exported for `.sops.yaml`. */
    recipients: string[];
}

/** The `sops-age` Secret holding the private key Flux decrypts SOPS files with. */
export class SopsAgeSecret extends pulumi.ComponentResource {
    public readonly secretName: string;
    public readonly recipients: string[];
    public readonly secret: k8s.core.v1.Secret;

    constructor(name: string, args: SopsAgeSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:SopsAgeSecret", name, {}, opts);
        this.secret = new k8s.core.v1.Secret(
            name,
            {
                metadata: { name: args.secretName, namespace: args.namespace },
                type: "Opaque",
                data: secretData({ [AGE_KEY_DATA_KEY]: args.ageKey }),
            },
            // Component options such as dependsOn are not inherited by children.
            {
                parent: this,
                dependsOn: opts?.dependsOn,
                additionalSecretOutputs: ["data", "stringData"],
            },
        );
        this.secretName = args.secretName;
        this.recipients = args.recipients;
        this.registerOutputs({ secretName: this.secretName, recipients: this.recipients });
    }
}
