import * as pulumi from "@pulumi/pulumi";
import { GitAuth as FluxGitAuth, GitSettings as FluxGitSettings } from "../flux/git";
import { FluxPullSecret, InstallOptions } from "../flux/install";
import { OciSettings as FluxOciSettings } from "../flux/oci";
import { Layer } from "../flux/layers";
import { ReadinessSettings } from "../flux/readiness";

/** Credentials for the Git source, as Pulumi secrets. */
export type GitAuth = FluxGitAuth<pulumi.Output<string>>;

/** The Git source, its credentials as Pulumi secrets. */
export type GitSettings = FluxGitSettings<pulumi.Output<string>>;

/** The OCI source, its pull Secret's content as a Pulumi secret. */
export type OciSettings = FluxOciSettings<pulumi.Output<string>>;

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
}

/** The validated configuration of one stack: everything the components need. */
export interface StackConfig {
    flux: FluxSettings & { pullSecret?: FluxPullSecret<pulumi.Output<string>> };
    /** The layers' source: the Git repository, or an OCI artifact repository. */
    source: { kind: "git"; git: GitSettings } | { kind: "oci"; oci: OciSettings };
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
