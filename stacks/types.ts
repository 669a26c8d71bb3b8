import * as pulumi from "@pulumi/pulumi";
import { InstallOptions, KubeObject } from "../components/flux-manifest";

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
    /**
     * Set when the config key this comes from is stored as a secret (`pulumi
     * config set --secret`, also with `--path` for one field: Pulumi then marks
     * the whole key). Every value taken from it is then a Pulumi secret; names
     * Kubernetes shows to anyone who can list objects stay plain.
     */
    confidential?: boolean;
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
    | { kind: "bearer"; bearerToken: pulumi.Output<string> }
    | {
          kind: "github";
          appId: pulumi.Output<string>;
          installationId: pulumi.Output<string>;
          privateKey: pulumi.Output<string>;
      };

export type GitAuthKind = GitAuth["kind"];

/** The Git source Flux syncs from (gotk-sync.yaml). */
export interface GitSettings {
    /** GitRepository name the layers' `sourceRef` points at (gotk-sync: `flux-system`). */
    repositoryName: string;
    /** `ssh://`, `https://` or `http://` URL of the repository. */
    url: string;
    /** Branch, tag, semver range, commit or ref name to follow. */
    ref: GitRef;
    /** How often Flux fetches (Flux duration). */
    interval: string;
    /** Name of the auth Secret; unused when `auth.kind` is `none`. */
    secretName: string;
    /** Credentials, as Pulumi secrets. */
    auth: GitAuth;
    /**
     * Set when the config key this comes from is stored as a secret (`pulumi
     * config set --secret`, also with `--path` for one field: Pulumi then marks
     * the whole key). Every value taken from it is then a Pulumi secret; names
     * Kubernetes shows to anyone who can list objects stay plain.
     */
    confidential?: boolean;
    /** PEM CA certificates the https:// server's certificate is verified with (`ca.crt` of the auth Secret). */
    caBundle?: pulumi.Output<string>;
}

/** Which artifact of the OCI repository Flux follows; exactly one is set. */
export type OciRef = { tag: string } | { semver: string } | { digest: string };

/** An OCIRepository as the layers' source (Flux's gitless mode). */
export interface OciSettings {
    /** OCIRepository name the layers' `sourceRef` points at. */
    repositoryName: string;
    /** `oci://` URL of the artifact repository. */
    url: string;
    ref: OciRef;
    /** How often Flux checks for a new artifact (Flux duration). */
    interval: string;
    /** `generic` authenticates with the pull Secret; the cloud providers with workload identity. */
    provider: "generic" | "aws" | "azure" | "gcp";
    /** Name of the pull Secret; unused without credentials. */
    secretName: string;
    /** `.dockerconfigjson` of the pull Secret, as a Pulumi secret; unset for a public repository. */
    dockerConfigJson?: pulumi.Output<string>;
    /** As `GitSettings.confidential`, for the `oci` key. */
    confidential?: boolean;
}

/** The Flux release and where it is installed from. */
export interface FluxSettings {
    /** Flux release, e.g. `v2.9.5`. Informational when `manifest` is a local file. */
    version: string;
    /** Namespace the manifest installs the controllers into; every other Flux object goes there too. */
    namespace: string;
    /** URL or local file path of the install manifest (`flux install --export`, or the release's install.yaml). */
    manifest: string;
    /** Leave the controllers and CRDs in the cluster when the stack is destroyed. */
    keepOnDestroy: boolean;
    /**
     * Set when the config key this comes from is stored as a secret (`pulumi
     * config set --secret`, also with `--path` for one field: Pulumi then marks
     * the whole key). Every value taken from it is then a Pulumi secret; names
     * Kubernetes shows to anyone who can list objects stay plain.
     */
    confidential?: boolean;
    /** The manifest's pinned sha256, when the stack pins one. */
    sha256?: string;
    /** How the install differs from the manifest as published. */
    options: InstallOptions;
    /** The install's objects: the manifest with `options` applied (no secrets in them). */
    objects: KubeObject[];
}

/** The image pull Secret's `.dockerconfigjson`, when `flux.imagePullSecret` is set. */
export interface FluxPullSecret<S> {
    name: string;
    dockerConfigJson: S;
}

/** How `pulumi up` waits for Flux objects. */
export interface ReadinessSettings {
    /** Wait for Ready at all. */
    enabled: boolean;
    /** Give up after this long (Flux duration). */
    timeout: string;
}

/** The validated configuration of one stack: everything the components need. */
export interface StackConfig {
    flux: FluxSettings & { pullSecret?: FluxPullSecret<pulumi.Output<string>> };
    /** The Git source; unset when `oci` is the layers' source. */
    git?: GitSettings;
    /** The OCI source; unset when Git is. */
    oci?: OciSettings;
    sops: {
        secretName: string;
        /** The age identities, one per line, as a Pulumi secret. */
        ageKey: pulumi.Output<string>;
        /** Public recipients of the identities, for `.sops.yaml`. */
        recipients: string[];
    };
    readiness: ReadinessSettings;
    /** Enabled layers, every layer after the layers it depends on. */
    layers: Layer[];
    /**
     * Objects that already exist in the cluster, released by `npm run takeover`
     * (`Kind namespace/name`): the next `pulumi up` imports them instead of creating them.
     */
    takeover: string[];
}
