/**
 * No test reaches the network: release manifest URLs are served the synthetic
 * manifest (tests/helpers/flux-manifest.ts), anything else fails as an
 * unreachable host would. Loaded for every spec by .mocharc.json.
 */
import { syntheticInstallManifest } from "./flux-manifest";

const RELEASE =
    /^https:\/\/github\.com\/fluxcd\/flux2\/releases\/download\/(v[^/]+)\/install\.yaml$/;

/** URLs the program asked for, in order. */
export const fetched: string[] = [];

const offlineFetch = async (input: unknown) => {
    const url = String(input);
    fetched.push(url);
    if (!RELEASE.test(url)) {
        throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
    }
    const body = syntheticInstallManifest();
    return new Response(body, { status: 200, statusText: "OK" });
};

globalThis.fetch = offlineFetch as typeof fetch;
