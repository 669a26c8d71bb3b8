import { configKey } from "../problems";
import { durationSeconds } from "../duration";
import { FluxSettings, Layer, ReadinessSettings } from "../types";
import { SectionContext } from "./context";
import { ParsedGit } from "./git";
import { SopsSettings } from "./sops";

/** Longer than this, a `pulumi up` waiting for something that never gets Ready looks hung. */
const LONGEST_SENSIBLE_WAIT_SECONDS = 6 * 3600;

/** What only shows when sections are put together; each section is valid on its own here. */
export function checkAcrossSections(
    ctx: SectionContext,
    s: {
        flux: FluxSettings;
        git: ParsedGit;
        sops: SopsSettings;
        readiness: ReadinessSettings;
        layers: Layer[];
    },
): void {
    if (s.git.auth !== "none" && s.git.secretName === s.sops.secretName) {
        ctx.problems.add(
            "git",
            ["secretName"],
            s.git.secretName,
            `a name other than \`${configKey(["sops", "secretName"])}\`: both Secrets live in ` +
                `${s.flux.namespace}, and one would overwrite the other`,
        );
    }
    const orphans = s.layers
        .filter((l) => l.deletionPolicy === "Orphan")
        .map((l) => `\`${l.name}\``);
    if (!s.flux.keepOnDestroy && orphans.length > 0) {
        ctx.problems.add(
            "flux",
            ["keepOnDestroy"],
            false,
            `true while ${orphans.join(", ")} keep their objects on destroy (deletionPolicy Orphan): ` +
                "uninstalling Flux deletes its CRDs and with them those layers' HelmReleases, which " +
                "helm-controller then uninstalls; to delete them on destroy, set their deletionPolicy",
        );
    }
    if (s.readiness.enabled) warnLongWaits(ctx, s.readiness, s.layers);
}

function warnLongWaits(ctx: SectionContext, readiness: ReadinessSettings, layers: Layer[]): void {
    const tooLong = (d: string) => durationSeconds(d) > LONGEST_SENSIBLE_WAIT_SECONDS;
    const reason =
        "`pulumi up` waits that long for an object that never becomes Ready before it reports Flux's " +
        "condition; the layers' own timeout and retryInterval are what make Flux try again";
    if (tooLong(readiness.timeout))
        ctx.problems.warn("readiness", ["timeout"], readiness.timeout, reason);
    for (const l of layers) {
        if (
            l.readinessTimeout !== undefined &&
            l.readinessTimeout !== readiness.timeout &&
            tooLong(l.readinessTimeout)
        ) {
            ctx.problems.warn("layers", [l.name, "readinessTimeout"], l.readinessTimeout, reason);
        }
    }
}
