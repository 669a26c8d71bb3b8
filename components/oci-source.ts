import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { buildOciRepositorySpec, OCI_REPOSITORY_API_VERSION, OciSettings } from "../flux/oci";
import { ReadinessSettings } from "../flux/readiness";
import { artifactRevisionOf } from "../flux/status";
import { declareSource } from "./source-resources";
import { statusOf } from "./status";

export interface OciSourceArgs extends OciSettings<pulumi.Output<string>> {
    /** The Flux namespace. */
    namespace: string;
    /** Whether and how long `pulumi up` waits for the artifact to be pulled. */
    readiness: ReadinessSettings;
}

/** An OCI artifact repository as the layers' source (gitless Flux), with its pull Secret. */
export class OciSource extends pulumi.ComponentResource {
    public readonly kind = "OCIRepository" as const;
    public readonly repositoryName: string;
    public readonly repository: k8s.apiextensions.CustomResource;
    /** The artifact revision source-controller last fetched (`status.artifact.revision`). */
    public readonly revision: pulumi.Output<string | null>;
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
        this.revision = statusOf(this.repository).apply(artifactRevisionOf);
        this.registerOutputs({ repositoryName: this.repositoryName });
    }
}
