export const OCI_REPOSITORY_API_VERSION = "source.toolkit.fluxcd.io/v1";

/** Which artifact of the OCI repository Flux follows; exactly one is set. */
export type OciRef = { tag: string } | { semver: string } | { digest: string };

/** The kinds of authentication source-controller offers for an OCIRepository. */
export const OCI_PROVIDERS = ["generic", "aws", "azure", "gcp"] as const;
type OciProvider = (typeof OCI_PROVIDERS)[number];

/** An OCIRepository as the layers' source (Flux's gitless mode); `S` as in GitAuth. */
export interface OciSettings<S> {
    /** OCIRepository name the layers' `sourceRef` points at. */
    repositoryName: string;
    /** `oci://` URL of the artifact repository. */
    url: string;
    ref: OciRef;
    /** How often Flux checks for a new artifact (Flux duration). */
    interval: string;
    /** `generic` authenticates with the pull Secret; the cloud providers with workload identity. */
    provider: OciProvider;
    /** Name of the pull Secret; unused without credentials. */
    secretName: string;
    /** `.dockerconfigjson` of the pull Secret; unset for a public repository. */
    dockerConfigJson?: S;
    /** As `GitSettings.confidential`, for the `oci` key. */
    confidential?: boolean;
}

/** The `spec` of the OCIRepository. The generic provider is Flux's default and left out. */
export function buildOciRepositorySpec<S>(args: OciSettings<S>): Record<string, unknown> {
    return {
        interval: args.interval,
        url: args.url,
        ref: args.ref,
        ...(args.provider !== "generic" && { provider: args.provider }),
        ...(args.dockerConfigJson !== undefined && { secretRef: { name: args.secretName } }),
    };
}
