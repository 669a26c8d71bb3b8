import * as fs from "fs";
import * as path from "path";
import * as d from "../defaults";
import { configKey } from "../problems";
import { EXPECT, fluxSchema } from "../schema";
import { FluxSettings } from "../types";
import { parseSection, SectionContext } from "./context";

/** `flux`: the release, namespace and install manifest. */
export function parseFlux(ctx: SectionContext): FluxSettings | undefined {
    const flux = parseSection(ctx, "flux", fluxSchema);
    if (flux === undefined) return undefined;
    const before = ctx.problems.count;
    const version = flux.version ?? d.DEFAULT_FLUX_VERSION;
    const namespace = flux.namespace ?? d.DEFAULT_FLUX_NAMESPACE;
    const manifest = flux.manifest ?? d.releaseManifestUrl(version);
    const manifestKey = configKey(["flux", "manifest"]);
    if (flux.manifest === undefined && namespace !== d.DEFAULT_FLUX_NAMESPACE) {
        ctx.problems.add(
            "flux",
            ["namespace"],
            namespace,
            `${d.DEFAULT_FLUX_NAMESPACE} while \`${manifestKey}\` is the release install.yaml, which installs into ${d.DEFAULT_FLUX_NAMESPACE}; ` +
                `for another namespace set \`${manifestKey}\` to the output of \`flux install --export --namespace=${namespace}\``,
        );
    }
    if (flux.manifest !== undefined && !flux.manifest.startsWith("https://")) {
        const file = path.resolve(ctx.baseDir, flux.manifest);
        if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
            ctx.problems.add(
                "flux",
                ["manifest"],
                flux.manifest,
                `${EXPECT.manifest}; no file exists at ${file}`,
            );
        }
    }
    if (ctx.problems.count > before) return undefined;
    // Keeping Flux on destroy is the safe default: removing its CRDs would delete every
    // HelmRelease, and helm-controller would uninstall the releases of orphaned layers too.
    return { version, namespace, manifest, keepOnDestroy: flux.keepOnDestroy ?? true };
}
