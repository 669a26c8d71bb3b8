import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GitAuth, GitSettings } from "../stacks/types";
import { readinessAnnotations, ReadinessArgs } from "./readiness";
import { secretData } from "./secret-data";

export const GIT_REPOSITORY_API_VERSION = "source.toolkit.fluxcd.io/v1";

export interface GitSourceArgs extends GitSettings {
    /** The Flux namespace. */
    namespace: string;
    /** Whether and how long `pulumi up` waits for the repository to be fetched. */
    readiness: ReadinessArgs;
}

/** The `spec` of the GitRepository (the seed's gotk-sync.yaml). */
export function buildGitRepositorySpec(args: GitSettings): Record<string, unknown> {
    return {
        interval: args.interval,
        url: args.url,
        ref: args.ref,
        ...(args.auth.kind === "none" ? {} : { secretRef: { name: args.secretName } }),
    };
}

/** The auth Secret's data keys, in the form source-controller reads them. */
export function gitAuthData(auth: GitAuth): Record<string, pulumi.Output<string>> | undefined {
    switch (auth.kind) {
        case "ssh":
            return { identity: auth.identity, known_hosts: auth.knownHosts };
        case "basic":
            return { username: auth.username, password: auth.password };
        case "bearer":
            return { bearerToken: auth.bearerToken };
        case "none":
            return undefined;
    }
}

/** The Git repository Flux syncs from, with its auth Secret. */
export class GitSource extends pulumi.ComponentResource {
    public readonly repositoryName: string;
    public readonly repository: k8s.apiextensions.CustomResource;
    public readonly authSecret?: k8s.core.v1.Secret;

    constructor(name: string, args: GitSourceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:index:GitSource", name, {}, opts);
        const after = opts?.dependsOn;
        const data = gitAuthData(args.auth);
        if (data !== undefined) {
            this.authSecret = new k8s.core.v1.Secret(
                `${name}-auth`,
                {
                    metadata: { name: args.secretName, namespace: args.namespace },
                    type: "Opaque",
                    data: secretData(data),
                },
                { parent: this, dependsOn: after, additionalSecretOutputs: ["data", "stringData"] },
            );
        }
        this.repository = new k8s.apiextensions.CustomResource(
            name,
            {
                apiVersion: GIT_REPOSITORY_API_VERSION,
                kind: "GitRepository",
                metadata: {
                    name: args.repositoryName,
                    namespace: args.namespace,
                    annotations: readinessAnnotations(args.readiness),
                },
                spec: args.confidential
                    ? pulumi.secret(buildGitRepositorySpec(args))
                    : buildGitRepositorySpec(args),
            },
            // The Secret first: without it the first fetch fails and Ready waits for a retry.
            pulumi.mergeOptions({ parent: this, dependsOn: after }, { dependsOn: this.authSecret }),
        );
        this.repositoryName = args.repositoryName;
        this.registerOutputs({ repositoryName: this.repositoryName });
    }
}
