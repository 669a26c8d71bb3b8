import { createHash } from "crypto";
import * as fs from "fs";

/** The fetch the manifest is downloaded with; tests pass their own. */
export type Fetch = (url: string) => Promise<{
    ok: boolean;
    status: number;
    statusText: string;
    text(): Promise<string>;
}>;

/** A manifest that could not be read, downloaded, or failed its checksum. */
export class ManifestError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ManifestError";
    }
}

const OFFLINE_HINT =
    "Offline or air-gapped: download it where the network allows (or run `flux install --export --version=<v> > flux-install.yaml`), " +
    "commit the file next to the project and set `flux-gitops:flux.manifest` to its path.";

/** The manifest is not the one `flux.sha256` pins. */
export class ChecksumMismatchError extends ManifestError {
    constructor(
        where: string,
        public readonly actual: string,
        public readonly pinned: string,
    ) {
        super(
            `The Flux install manifest ${where} has sha256 ${actual}, but \`flux-gitops:flux.sha256\` pins ${pinned}. ` +
                "Nothing was deployed. If the change is expected (a new flux.version or manifest), review it and set the new checksum.",
        );
        this.name = "ChecksumMismatchError";
    }
}

/** An https manifest asked for while downloads are off (the offline commands). */
export class ManifestNotDownloadedError extends Error {
    constructor(public readonly url: string) {
        super(`The Flux install manifest ${url} is not downloaded: this command runs offline.`);
        this.name = "ManifestNotDownloadedError";
    }
}

let downloadsAllowed = true;

/**
 * Turns manifest downloads off or on for this process; returns the previous
 * setting. `npm run render` and `npm run preflight` promise no network: they
 * turn downloads off, and the install is then described, not built.
 */
export function allowManifestDownloads(allowed: boolean): boolean {
    const previous = downloadsAllowed;
    downloadsAllowed = allowed;
    return previous;
}

/** Downloads per process: a preview or update reads each URL once, however often it is asked for. */
const downloads = new Map<string, Promise<string>>();

/** Forgets earlier downloads (tests run several programs in one process). */
export function clearManifestCache(): void {
    downloads.clear();
}

/** The text of an https URL, fetched at most once per process, with an error that says what to do. */
export function fetchManifest(url: string, fetchFn: Fetch = globalThis.fetch): Promise<string> {
    let pending = downloads.get(url);
    if (pending === undefined) {
        pending = download(url, fetchFn);
        downloads.set(url, pending);
        // A failure is not cached: the next run (or a retry in the same process) tries again.
        pending.catch(() => downloads.delete(url));
    }
    return pending;
}

async function download(url: string, fetchFn: Fetch): Promise<string> {
    let res: Awaited<ReturnType<Fetch>>;
    try {
        res = await fetchFn(url);
    } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
        throw new ManifestError(
            `Could not download the Flux install manifest ${url}: ${cause}. ${OFFLINE_HINT}`,
        );
    }
    if (!res.ok) {
        throw new ManifestError(
            `Could not download the Flux install manifest ${url}: HTTP ${res.status} ${res.statusText}`.trimEnd() +
                `. Check \`flux-gitops:flux.version\` names a published release. ${OFFLINE_HINT}`,
        );
    }
    return res.text();
}

export function sha256Hex(text: string): string {
    return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Fails when the manifest is not the pinned one, so a changed upstream file
 * stops the preview instead of rolling out.
 */
export function checkSha256(where: string, text: string, pinned: string | undefined): void {
    if (pinned === undefined) return;
    const actual = sha256Hex(text);
    if (actual !== pinned.toLowerCase()) {
        throw new ChecksumMismatchError(where, actual, pinned);
    }
}

/** The manifest text from an https URL or a local file, checked against the pin. */
export async function readManifest(
    manifest: string,
    sha256: string | undefined,
    fetchFn?: Fetch,
): Promise<string> {
    if (manifest.startsWith("https://") && !downloadsAllowed) {
        throw new ManifestNotDownloadedError(manifest);
    }
    const text = manifest.startsWith("https://")
        ? await fetchManifest(manifest, fetchFn)
        : fs.readFileSync(manifest, "utf8");
    checkSha256(manifest, text, sha256);
    return text;
}
