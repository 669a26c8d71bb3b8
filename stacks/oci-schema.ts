import { z } from "zod";
import { checked, dnsSubdomain, duration, EXPECT, field } from "./schema";
import { semverRangeProblem } from "./semver-range";
import { OCI_PROVIDERS, OciRef } from "../flux/oci";

export const OCI_EXPECT = {
    url: "an oci:// URL of an artifact repository such as oci://ghcr.io/org/cluster-gitops, without credentials",
    ref: "exactly one of tag, semver or digest (sha256:<64 hex>), e.g. {tag: latest}",
    refValue: "a non-empty string without spaces",
    digest: "a digest sha256:<64 hex characters>",
    provider: "one of generic, aws, azure, gcp",
    object: "an object (set it with --path, or as a YAML map in the stack file)",
} as const;

const refValue = z
    .string({ error: OCI_EXPECT.refValue })
    .regex(/^\S+$/, { error: OCI_EXPECT.refValue });

const ociRef = z
    .strictObject(
        {
            tag: refValue.optional(),
            semver: checked(EXPECT.semver, semverRangeProblem).optional(),
            digest: z
                .string({ error: OCI_EXPECT.digest })
                .regex(/^sha256:[0-9a-f]{64}$/, { error: OCI_EXPECT.digest })
                .optional(),
        },
        { error: OCI_EXPECT.ref },
    )
    .refine((r) => Object.values(r).filter((v) => v !== undefined).length === 1, {
        error: OCI_EXPECT.ref,
    })
    // Exactly one field is set: the union Flux's OCIRepository takes.
    .transform((r) => r as OciRef);

/** `oci`: an OCIRepository as the layers' source instead of Git (Flux's gitless mode). */
export const ociSchema = z
    .strictObject(
        {
            url: field(
                z
                    .string({ error: OCI_EXPECT.url })
                    .regex(/^oci:\/\/[^/@\s]+\/\S+$/, { error: OCI_EXPECT.url }),
                {
                    type: "`oci://host/path`",
                    default: "required when `oci` is set",
                    description:
                        "Artifact repository. Credentials, a query or a fragment are rejected; use `ociUsername`/`ociPassword`.",
                    example: "`oci://ghcr.io/acme-platform/cluster-gitops`",
                },
            ),
            ref: field(ociRef.default({ tag: "latest" }), {
                type: "exactly one of `tag`, `semver` (as `git.ref.semver`), `digest` (`sha256:<64 hex>`)",
                description: "Artifact to follow.",
                example: '`{semver: ">=1.0.0"}`',
            }),
            interval: field(duration.default("1m0s"), {
                description: "How often source-controller looks for a new artifact.",
                example: "`5m`",
            }),
            provider: field(
                z.enum(OCI_PROVIDERS, { error: OCI_EXPECT.provider }).default("generic"),
                {
                    type: OCI_PROVIDERS.map((p) => `\`${p}\``).join(", "),
                    description:
                        "`generic` pulls with `ociUsername`/`ociPassword` (or anonymously); the cloud providers use workload identity, with no credentials.",
                    example: "`aws`",
                },
            ),
            repositoryName: field(dnsSubdomain.default("flux-system"), {
                description: "Name of the OCIRepository.",
            }),
            secretName: field(dnsSubdomain.default("flux-system"), {
                type: "DNS-1123 subdomain, not the name of another Secret the stack declares",
                description:
                    "Name of the `kubernetes.io/dockerconfigjson` pull Secret (declared with credentials).",
            }),
        },
        { error: OCI_EXPECT.object },
    )
    .meta({
        description:
            "Set instead of `git` (both is an error); the layers then build from an OCIRepository and the\nstack outputs `ociRepository` instead of `gitRepository`.",
    });
