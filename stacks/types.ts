import * as pulumi from "@pulumi/pulumi";

/** A `healthChecks` entry of a Flux Kustomization. */
export interface HealthCheckRef {
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
}

/** Values of a Kustomization's `spec.deletionPolicy`. */
export const DELETION_POLICIES = ["MirrorPrune", "Delete", "WaitForTermination", "Orphan"] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/** Everything a stack can say about one layer (a Flux Kustomization). */
export interface LayerSettings {
    /** Directory in the Git source holding the layer's kustomization.yaml. */
    path: string;
    /** Reconcile interval (Flux duration). */
    interval: string;
    /** Garbage-collect objects removed from Git. */
    prune: boolean;
    /** Names of layers that must be Ready first. */
    dependsOn: string[];
    /** Objects that must be healthy for the layer to be Ready. */
    healthChecks: HealthCheckRef[];
    /** Flux's apply/health-check timeout; Flux defaults it to the interval. */
    timeout?: string;
    /** Retry interval after a failed reconciliation; Flux defaults it to the interval. */
    retryInterval?: string;
    /** Wait for every applied object to be ready (health checks are then implied). */
    wait?: boolean;
    /** What Flux does with the layer's objects when the Kustomization is deleted. */
    deletionPolicy?: DeletionPolicy;
    /** Stop reconciling this layer. */
    suspend?: boolean;
    /** Namespace forced onto every namespaced object of the layer. */
    targetNamespace?: string;
    /** `postBuild.substitute` variables. */
    substitute?: Record<string, string>;
    /** How long `pulumi up` waits for this layer to be Ready. */
    readinessTimeout?: string;
}

/** A layer after merging: settings plus its name. */
export interface Layer extends LayerSettings {
    name: string;
}

/** Which revision of the repository Flux follows; exactly one is set. */
export type GitRef =
    | { branch: string }
    | { tag: string }
    | { semver: string }
    | { commit: string }
    | { name: string };

/** Credentials for the Git source, as Pulumi secrets. */
export type GitAuth =
    | { kind: "none" }
    | { kind: "ssh"; identity: pulumi.Output<string>; knownHosts: pulumi.Output<string> }
    | { kind: "basic"; username: pulumi.Output<string>; password: pulumi.Output<string> }
    | { kind: "bearer"; bearerToken: pulumi.Output<string> };

export type GitAuthKind = GitAuth["kind"];

/** The validated configuration of one stack: everything the components need. */
export interface StackConfig {
    flux: {
        version: string;
        namespace: string;
        /** URL or local file path of the install manifest. */
        manifest: string;
        /** Leave the controllers and CRDs in the cluster when the stack is destroyed. */
        keepOnDestroy: boolean;
    };
    git: {
        repositoryName: string;
        url: string;
        ref: GitRef;
        interval: string;
        secretName: string;
        auth: GitAuth;
    };
    sops: {
        secretName: string;
        /** The age identities, one per line, as a Pulumi secret. */
        ageKey: pulumi.Output<string>;
        /** Public recipients of the identities, for `.sops.yaml`. */
        recipients: string[];
    };
    readiness: {
        enabled: boolean;
        timeout: string;
    };
    /** Enabled layers, every layer after the layers it depends on. */
    layers: Layer[];
}
