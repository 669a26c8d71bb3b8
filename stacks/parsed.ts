import { z } from "zod";
import { readinessSchema } from "./config-schema";
import { ParsedFlux } from "./sections/flux";
import { ParsedGit } from "./sections/git";
import { ParsedNotifications, ParsedReceiver } from "./sections/notifications";
import { ParsedOci } from "./sections/oci";
import { SopsSettings } from "./sections/sops";
import { Layer } from "../flux/layers";

/** The layers' source: the Git repository, or an OCI artifact repository (`oci` set). */
export type ParsedSource = { kind: "git"; git: ParsedGit } | { kind: "oci"; oci: ParsedOci };

/** Validated settings with secrets still as plain strings; the loader wraps them as Pulumi secrets. */
export interface ParsedConfig {
    flux: ParsedFlux;
    source: ParsedSource;
    sops: SopsSettings;
    readiness: z.output<typeof readinessSchema>;
    layers: Layer[];
    /** Providers and Alerts; both empty when `notifications` is unset. */
    notifications: ParsedNotifications;
    /** The push webhook; null when `receiver` is unset. */
    receiver: ParsedReceiver | null;
    /** Objects the next `pulumi up` imports (`Kind namespace/name`); empty when none. */
    takeover: string[];
}
