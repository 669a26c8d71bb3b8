import { z } from "zod";
import { checked, dnsSubdomain, duration, EXPECT } from "./schema";
import { semverRangeProblem } from "./semver-range";

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

/** `oci`: an OCIRepository as the layers' source instead of Git (Flux's gitless mode). */
export const ociSchema = z.strictObject(
    {
        url: z
            .string({ error: OCI_EXPECT.url })
            .regex(/^oci:\/\/[^/@\s]+\/\S+$/, { error: OCI_EXPECT.url }),
        ref: z
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
            .optional(),
        interval: duration.optional(),
        provider: z
            .enum(["generic", "aws", "azure", "gcp"], { error: OCI_EXPECT.provider })
            .optional(),
        repositoryName: dnsSubdomain.optional(),
        secretName: dnsSubdomain.optional(),
    },
    { error: OCI_EXPECT.object },
);
