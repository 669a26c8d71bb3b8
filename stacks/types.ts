import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { GitAuth as FluxGitAuth, GitSettings as FluxGitSettings } from "../flux/git";
import { FluxPullSecret } from "../flux/install";
import { OciSettings as FluxOciSettings } from "../flux/oci";
import { Layer } from "../flux/layers";
import { AlertSettings, ProviderSettings, ReceiverSettings } from "../flux/notifications";
import { ReadinessSettings } from "../flux/readiness";
import { fluxSchema, InstallFields } from "./flux-schema";

/** Credentials for the Git source, as Pulumi secrets. */
export type GitAuth = FluxGitAuth<pulumi.Output<string>>;

/** The Git source, its credentials as Pulumi secrets. */
export type GitSettings = FluxGitSettings<pulumi.Output<string>>;

/** The OCI source, its pull Secret's content as a Pulumi secret. */
export type OciSettings = FluxOciSettings<pulumi.Output<string>>;

/** The Flux release and where it is installed from (fields as stacks/flux-schema.ts declares them). */
export type FluxSettings = Pick<
    z.output<typeof fluxSchema>,
    "version" | "namespace" | "keepOnDestroy" | "sha256"
> & {
    /** `flux.manifest` as the stack sets it, or the release's install.yaml. */
    manifest: string;
    /**
     * Set when the config key this comes from is stored as a secret (`pulumi
     * config set --secret`, also with `--path` for one field: Pulumi then marks
     * the whole key). Every value taken from it is then a Pulumi secret; names
     * Kubernetes shows to anyone who can list objects stay plain.
     */
    confidential?: boolean;
    /** How the install differs from the manifest as published. */
    options: InstallFields;
};

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
    /** Providers (their address and token as Pulumi secrets) and Alerts; both empty when unset. */
    notifications: {
        providers: ProviderSettings<pulumi.Output<string>>[];
        alerts: AlertSettings[];
    };
    /** The push webhook, its token a Pulumi secret; null when `receiver` is unset. */
    receiver: ReceiverSettings<pulumi.Output<string>> | null;
    /**
     * Objects that already exist in the cluster, released by `npm run takeover`
     * (`Kind namespace/name`): the next `pulumi up` imports them instead of creating them.
     */
    takeover: string[];
}
