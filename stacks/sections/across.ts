import { ParsedConfig } from "../parsed";
import { configKey } from "../problems";
import { durationSeconds } from "../../flux/duration";
import { Layer } from "../../flux/layers";
import { ReadinessSettings } from "../../flux/readiness";
import { SectionContext } from "./context";

/** Longer than this, a `pulumi up` waiting for something that never gets Ready looks hung. */
const LONGEST_SENSIBLE_WAIT_SECONDS = 6 * 3600;

/** What only shows when sections are put together; each section is valid on its own here. */
export function checkAcrossSections(ctx: SectionContext, s: ParsedConfig): void {
    checkSecretNames(ctx, s);
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

/**
 * The Secrets the program declares in the Flux namespace, each with the key
 * that names it: two with one name would overwrite each other. The sops
 * Secret is always declared; the source's only with credentials or a CA
 * bundle; the image pull Secret only with `flux.imagePullSecret`.
 */
function checkSecretNames(
    ctx: SectionContext,
    s: Pick<ParsedConfig, "flux" | "source" | "sops">,
): void {
    const named: { key: [string, string]; name: string }[] = [
        { key: ["sops", "secretName"], name: s.sops.secretName },
    ];
    const { source } = s;
    if (
        source.kind === "git" &&
        (source.git.auth !== "none" || source.git.caBundle !== undefined)
    ) {
        named.push({ key: ["git", "secretName"], name: source.git.secretName });
    }
    if (source.kind === "oci" && source.oci.dockerConfigJson !== undefined) {
        named.push({ key: ["oci", "secretName"], name: source.oci.secretName });
    }
    if (s.flux.pullSecret !== undefined) {
        named.push({ key: ["flux", "imagePullSecret"], name: s.flux.pullSecret.name });
    }
    for (const [i, later] of named.entries()) {
        const earlier = named.slice(0, i).find((e) => e.name === later.name);
        if (earlier === undefined) continue;
        ctx.problems.add(
            later.key[0],
            [later.key[1]],
            later.name,
            `a name other than \`${configKey(earlier.key)}\`: both Secrets live in ` +
                `${s.flux.namespace}, and one would overwrite the other`,
        );
    }
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
