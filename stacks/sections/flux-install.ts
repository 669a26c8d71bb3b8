import {
    buildInstallObjects,
    chosenComponents,
    dockerConfigJson,
    InstallOptions,
    KubeObject,
    ChecksumMismatchError,
    ManifestError,
    ManifestNotDownloadedError,
    parseManifest,
    PatchError,
    readManifest,
    UnknownComponentsError,
} from "../../components/flux-manifest";
import { configKey } from "../problems";
import { FluxPullSecret } from "../types";
import { SectionContext } from "./context";
import { readSecret, secretProblem } from "./secrets";

/** The registry `flux install` pulls from when none is set. */
export const DEFAULT_REGISTRY = "ghcr.io/fluxcd";

const CREDENTIALS_EXPECTED =
    "registry credentials as `username:password` (like `flux bootstrap --registry-creds`)";

/**
 * `text` without the manifest's location when the flux key is stored as a
 * secret: the location is then as confidential as the rest of the key.
 */
export function hideManifest(
    ctx: SectionContext,
    manifest: { path: string; shown: string },
    text: string,
): string {
    if (ctx.raw.flux?.secret !== true) return text;
    return text.split(manifest.path).join("[secret]").split(manifest.shown).join("[secret]");
}

/**
 * The install's objects, built from the manifest with the options applied.
 * Reads the manifest (a URL at most once per run) and reports what only the
 * manifest can tell: a changed checksum, unknown components, patches that do
 * not apply.
 */
export async function buildFluxInstall(
    ctx: SectionContext,
    manifest: { path: string; shown: string },
    sha256: string | undefined,
    options: InstallOptions,
): Promise<KubeObject[] | undefined> {
    let text: string;
    try {
        text = await readManifest(manifest.path, sha256);
    } catch (e) {
        if (e instanceof ManifestNotDownloadedError) {
            // Offline commands only describe the install; `pulumi preview` builds and checks it.
            ctx.problems.warn(
                "flux",
                ["manifest"],
                manifest.shown,
                "not downloaded by this offline command, so the install options and `flux.sha256` " +
                    "are not checked against it here; `pulumi preview` checks them",
            );
            return [];
        }
        if (e instanceof ChecksumMismatchError) {
            ctx.problems.add(
                "flux",
                ["sha256"],
                sha256,
                `the manifest's sha256, which is now ${e.actual}: the manifest changed, so nothing is rolled out; ` +
                    "if the change is expected (a new flux.version or manifest), review it and pin the new checksum",
            );
        } else if (e instanceof ManifestError) {
            ctx.problems.add(
                "flux",
                ["manifest"],
                manifest.shown,
                `a readable install manifest. ${hideManifest(ctx, manifest, e.message)}`,
            );
        } else {
            const why = hideManifest(ctx, manifest, (e as Error).message);
            ctx.problems.add(
                "flux",
                ["manifest"],
                manifest.shown,
                `a readable install manifest (${why})`,
            );
        }
        return undefined;
    }
    let ok = true;
    let parsed: KubeObject[] = [];
    try {
        parsed = parseManifest(text);
    } catch (e) {
        ctx.problems.add(
            "flux",
            ["manifest"],
            manifest.shown,
            `a Flux install manifest; ${(e as Error).message}`,
        );
        return undefined;
    }
    const components = chosenComponents(parsed, options.components);
    for (const name of Object.keys(options.controllers ?? {})) {
        if (!components.includes(name)) {
            ctx.problems.add(
                "flux",
                ["controllers", name],
                name,
                `one of the installed components (${components.join(", ")})`,
            );
            ok = false;
        }
    }
    try {
        const objects = buildInstallObjects(text, options);
        return ok ? objects : undefined;
    } catch (e) {
        if (e instanceof UnknownComponentsError) {
            ctx.problems.add(
                "flux",
                ["components"],
                options.components,
                `components the install manifest holds: ${e.available.join(", ")}; not ${e.unknown.join(", ")}`,
            );
        } else if (e instanceof PatchError) {
            ctx.problems.add("flux", ["patches", e.index], options.patches?.[e.index], e.expected);
        } else {
            throw e;
        }
        return undefined;
    }
}

/** The pull Secret's content from `fluxRegistryCredentials`, required exactly when `imagePullSecret` is set. */
export function parsePullSecret(
    ctx: SectionContext,
    options: InstallOptions,
): { ok: boolean; pullSecret?: FluxPullSecret<string> } {
    const key = configKey(["flux", "imagePullSecret"]);
    if (options.imagePullSecret === undefined) {
        if (ctx.raw.fluxRegistryCredentials === undefined) return { ok: true };
        secretProblem(
            ctx,
            "fluxRegistryCredentials",
            `not set while \`${key}\` is unset; remove it or set the Secret's name`,
        );
        return { ok: false };
    }
    if (ctx.raw.fluxRegistryCredentials === undefined) {
        secretProblem(
            ctx,
            "fluxRegistryCredentials",
            `${CREDENTIALS_EXPECTED}, required when \`${key}\` is set`,
        );
        return { ok: false };
    }
    const creds = readSecret(ctx, "fluxRegistryCredentials");
    if (creds === undefined) return { ok: false };
    if (!/^[^:\s]+:\S/.test(creds)) {
        secretProblem(ctx, "fluxRegistryCredentials", CREDENTIALS_EXPECTED);
        return { ok: false };
    }
    return {
        ok: true,
        pullSecret: {
            name: options.imagePullSecret,
            dockerConfigJson: dockerConfigJson(options.registry ?? DEFAULT_REGISTRY, creds),
        },
    };
}
