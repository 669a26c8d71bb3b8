import * as fs from "fs";
import * as path from "path";
import { DEFAULT_FLUX_NAMESPACE, releaseManifestUrl } from "../defaults";
import { fluxSchema } from "../flux-schema";
import { configKey } from "../problems";
import { hideManifest, mayHoldCredentials } from "../redact";
import { EXPECT } from "../schema";
import { FluxSettings } from "../types";
import { FluxPullSecret } from "../../flux/install";
import { confidential, parseSection, SectionContext } from "./context";
import { parsePullSecret } from "./flux-pull-secret";

/** The flux section with the pull Secret's content still plain; the loader wraps it as a secret. */
export type ParsedFlux = FluxSettings & { pullSecret?: FluxPullSecret<string> };

/** `flux`: the release, namespace, install manifest and install options. */
export async function parseFlux(ctx: SectionContext): Promise<ParsedFlux | undefined> {
    const flux = parseSection(ctx, "flux", fluxSchema);
    if (flux === undefined) return undefined;
    const before = ctx.problems.count;
    const { version, namespace, manifest, keepOnDestroy, sha256, ...options } = flux;
    if (manifest === undefined && namespace !== DEFAULT_FLUX_NAMESPACE) {
        const manifestKey = configKey(["flux", "manifest"]);
        ctx.problems.add(
            "flux",
            ["namespace"],
            namespace,
            `${DEFAULT_FLUX_NAMESPACE} while \`${manifestKey}\` is the release install.yaml, which installs into ${DEFAULT_FLUX_NAMESPACE}; ` +
                `for another namespace set \`${manifestKey}\` to the output of \`flux install --export --namespace=${namespace}\``,
        );
    }
    if (manifest !== undefined) checkManifest(ctx, manifest);
    const pull = parsePullSecret(ctx, options);
    if (ctx.problems.count > before || !pull.ok) return undefined;
    return {
        version,
        namespace,
        // The configured value, as the user wrote it (relative paths stay relative).
        manifest: manifest ?? releaseManifestUrl(version),
        keepOnDestroy,
        ...(sha256 !== undefined && { sha256 }),
        options,
        ...(pull.pullSecret !== undefined && { pullSecret: pull.pullSecret }),
        ...confidential(ctx, "flux"),
    };
}

/** A manifest URL must not hold credentials; a manifest file must exist. */
function checkManifest(ctx: SectionContext, m: string): void {
    if (mayHoldCredentials(m)) {
        ctx.problems.add(
            "flux",
            ["manifest"],
            m,
            `${EXPECT.manifest} without credentials, query or fragment: the URL is kept in plain ` +
                "text in the stack's state; download the manifest and set the file's path instead",
        );
    } else if (!m.startsWith("https://")) {
        const file = path.resolve(ctx.baseDir, m);
        if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
            ctx.problems.add(
                "flux",
                ["manifest"],
                m,
                hideManifest(
                    ctx.raw.flux?.secret === true,
                    { path: file, shown: m },
                    `${EXPECT.manifest}; no file exists at ${file}`,
                ),
            );
        }
    }
}
