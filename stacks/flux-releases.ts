/**
 * The Flux releases this program may install: every release from the oldest
 * supported minor (the seed ran v2.7.5) to the pinned default. A version that
 * merely looks like one (v2.8.42, v2.10.0) would only fail later, when the
 * release's install.yaml cannot be downloaded; a newer release is added here
 * once it has been tried (the CRD schemas in flux-crd-schemas.json are checked
 * against too).
 */
const PATCHES: Record<string, number> = {
    "2.7": 5,
    "2.8": 8,
    "2.9": 5,
};

const FLUX_RELEASES: readonly string[] = Object.entries(PATCHES).flatMap(([minor, last]) =>
    Array.from({ length: last + 1 }, (_, patch) => `v${minor}.${patch}`),
);

/** `v2.8.3` for `2.8.3` or `v2.8.3`; undefined when it is no release this program knows. */
export function knownFluxRelease(version: string): string | undefined {
    const v = version.startsWith("v") ? version : `v${version}`;
    return FLUX_RELEASES.includes(v) ? v : undefined;
}

/** The releases as ranges, for messages: `v2.7.0–v2.7.5, …`. */
export function describeFluxReleases(): string {
    return Object.entries(PATCHES)
        .map(([minor, last]) => `v${minor}.0–v${minor}.${last}`)
        .join(", ");
}
