import { z } from "zod";
import { ReadinessSettings } from "../flux/readiness";
import { fluxSchema } from "./flux-schema";
import { gitSchema } from "./git-schema";
import { layerSchema } from "./layers-schema";
import { notificationsSchema, receiverSchema } from "./notifications-schema";
import { ociSchema } from "./oci-schema";
import { bool, dnsSubdomain, duration, field, fits, obj } from "./schema";

/** `sops`: the Secret kustomize-controller decrypts SOPS files with. */
export const sopsSchema = obj({
    // The seed's decryption secretRef.
    secretName: field(dnsSubdomain.default("sops-age"), {
        description:
            "Name of the Secret holding `ageKey`, used by every layer's `decryption.secretRef`.",
        example: "`sops-keys`",
    }),
});

/** `readiness`: whether and how long `pulumi up` waits for Flux objects to be Ready. */
export const readinessSchema = obj({
    enabled: field(bool.default(true), {
        description:
            "`pulumi up` waits for the GitRepository (or OCIRepository) and each layer to be `Ready`, and fails with Flux's message when one is not within its timeout. Suspended layers are never waited for.",
        example: "`false`",
    }),
    timeout: field(duration.default("10m"), {
        description:
            "How long it waits for each object, unless a layer sets `readinessTimeout`. Over 6h is accepted with a warning.",
        example: "`5m`",
    }),
});
fits<z.output<typeof readinessSchema>, ReadinessSettings>();

/**
 * Every structured key, in the order the reference lists them; `layers` is a
 * map of layer name to this schema.
 */
export const SECTION_SCHEMAS = {
    flux: fluxSchema,
    git: gitSchema,
    oci: ociSchema,
    sops: sopsSchema,
    readiness: readinessSchema,
    layers: layerSchema,
    notifications: notificationsSchema,
    receiver: receiverSchema,
} as const;
