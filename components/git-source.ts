import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GitAuth, GitSettings } from "../stacks/types";
import { ReadinessArgs } from "./readiness";
import { declareSource } from "./source-resources";

export const GIT_REPOSITORY_API_VERSION = "source.toolkit.fluxcd.io/v1";

export interface GitSourceArgs extends GitSettings {
    /** The Flux namespace. */
    namespace: string;
    /** Whether and how long `pulumi up` waits for the repository to be fetched. */
    readiness: ReadinessArgs;
}

/** The `spec` of the GitRepository (the seed's gotk-sync.yaml). */
export function buildGitRepositorySpec(args: GitSettings): Record<string, unknown> {
    const hasSecret = args.auth.kind !== "none" || args.caBundle !== undefined;
    return {
        interval: args.interval,
        url: args.url,
        ref: args.ref,
        ...(args.auth.kind === "github" && { provider: "github" }),
        ...(hasSecret && { secretRef: { name: args.secretName } }),
    };
}

/** The auth Secret's data keys, in the form source-controller reads them. */
export function gitAuthData(
    auth: GitAuth,
    caBundle?: pulumi.Output<string>,
): Record<string, pulumi.Output<string>> | undefined {
    const ca: Record<string, pulumi.Output<string>> = caBundle === undefined
        ? {}
        : { "ca.crt": caBundle };
    switch (auth.kind) {
        case "ssh":
            return { identity: auth.identity, known_hosts: auth.knownHosts };
        case "basic":
            return { username: auth.username, password: auth.password, ...ca };
        case "bearer":
            return { bearerToken: auth.bearerToken, ...ca };
        case "github":
            return {
                githubAppID: auth.appId,
                githubAppInstallationID: auth.installationId,
                githubAppPrivateKey: auth.privateKey,
                ...ca,
            };
        case "none":
            return caBundle === undefined ? undefined : ca;
    }
}

/** The Git repository Flux syncs from, with its auth Secret. */
export class GitSource extends pulumi.ComponentResource {
    public readonly kind = "GitRepository" as const;
    public readonly repositoryName: string;
    public readonly repository: k8s.apiextensions.CustomResource;
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
        this.registerOutputs({ repositoryName: this.repositoryName });
    }
}
