import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    buildGitRepositorySpec,
    GIT_REPOSITORY_API_VERSION,
    gitAuthData,
    GitSettings,
} from "../flux/git";
import { ReadinessSettings } from "../flux/readiness";
import { artifactRevisionOf } from "../flux/status";
import { declareSource } from "./source-resources";
import { statusOf } from "./status";

export interface GitSourceArgs extends GitSettings<pulumi.Output<string>> {
    /** The Flux namespace. */
    namespace: string;
    /** Whether and how long `pulumi up` waits for the repository to be fetched. */
    readiness: ReadinessSettings;
}

/** The Git repository Flux syncs from, with its auth Secret. */
export class GitSource extends pulumi.ComponentResource {
    public readonly kind = "GitRepository" as const;
    public readonly repositoryName: string;
    public readonly repository: k8s.apiextensions.CustomResource;
    /** The artifact revision source-controller last fetched (`status.artifact.revision`). */
    public readonly revision: pulumi.Output<string | null>;
    public readonly authSecret?: k8s.core.v1.Secret;

    constructor(name: string, args: GitSourceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:GitSource", name, {}, opts);
        const data = gitAuthData(args.auth, args.caBundle);
        const declared = declareSource(
            this,
            name,
            {
                ...args,
                apiVersion: GIT_REPOSITORY_API_VERSION,
                kind: this.kind,
                // Kept secret by declareSource when the key is stored as one (GitSettings.confidential).
                spec: buildGitRepositorySpec(args),
                secret: data === undefined ? undefined : { type: "Opaque", data },
            },
            opts?.dependsOn,
        );
        this.repository = declared.repository;
        this.authSecret = declared.secret;
        this.repositoryName = args.repositoryName;
        this.revision = statusOf(this.repository).apply(artifactRevisionOf);
        this.registerOutputs({ repositoryName: this.repositoryName });
    }
}
