import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { OciSettings } from "../stacks/types";
import { ReadinessArgs } from "./readiness";
import { declareSource } from "./source-resources";

export const OCI_REPOSITORY_API_VERSION = "source.toolkit.fluxcd.io/v1";

export interface OciSourceArgs extends OciSettings {
    /** The Flux namespace. */
    namespace: string;
    /** Whether and how long `pulumi up` waits for the artifact to be pulled. */
    readiness: ReadinessArgs;
}

/** The `spec` of the OCIRepository. The generic provider is Flux's default and left out. */
export function buildOciRepositorySpec(args: OciSettings): Record<string, unknown> {
    return {
        interval: args.interval,
        url: args.url,
        ref: args.ref,
        ...(args.provider !== "generic" && { provider: args.provider }),
        ...(args.dockerConfigJson !== undefined && { secretRef: { name: args.secretName } }),
    };
}

/** An OCI artifact repository as the layers' source (gitless Flux), with its pull Secret. */
export class OciSource extends pulumi.ComponentResource {
    public readonly kind = "OCIRepository" as const;
    public readonly repositoryName: string;
    public readonly repository: k8s.apiextensions.CustomResource;
    public readonly pullSecret?: k8s.core.v1.Secret;

    constructor(name: string, args: OciSourceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:OciSource", name, {}, opts);
        const declared = declareSource(
            this,
            name,
            {
                ...args,
                apiVersion: OCI_REPOSITORY_API_VERSION,
                kind: this.kind,
                // Kept secret by declareSource when the key is stored as one (OciSettings.confidential).
                spec: buildOciRepositorySpec(args),
                secret:
                    args.dockerConfigJson === undefined
                        ? undefined
                        : {
                              type: "kubernetes.io/dockerconfigjson",
                              data: { ".dockerconfigjson": args.dockerConfigJson },
                          },
            },
            opts?.dependsOn,
        );
        this.repository = declared.repository;
        this.pullSecret = declared.secret;
        this.repositoryName = args.repositoryName;
        this.registerOutputs({ repositoryName: this.repositoryName });
    }
}
