import * as fs from "fs";
import * as path from "path";
import * as d from "../defaults";
import { configKey } from "../problems";
import { InstallOptions } from "../../flux/install";
import { hideManifest, mayHoldCredentials } from "../redact";
import { EXPECT, FluxInput, fluxSchema } from "../schema";
import { FluxSettings } from "../types";
import { FluxPullSecret } from "../../flux/install";
import { confidential, parseSection, SectionContext } from "./context";
import { parsePullSecret } from "./flux-pull-secret";

/** The flux section with the pull Secret's content still plain; the loader wraps it as a secret. */
export type ParsedFlux = FluxSettings & { pullSecret?: FluxPullSecret<string> };

/** Every key of the flux section is used: a schema key that is no install option would be ignored silently. */
type Unhandled = Exclude<
    keyof FluxInput,
    keyof InstallOptions | "version" | "namespace" | "manifest" | "keepOnDestroy" | "sha256"
>;
const allKeysHandled: [Unhandled] extends [never] ? true : Unhandled = true;
void allKeysHandled;

/** `flux`: the release, namespace, install manifest and install options. */
export async function parseFlux(ctx: SectionContext): Promise<ParsedFlux | undefined> {
    const flux = parseSection(ctx, "flux", fluxSchema);
    if (flux === undefined) return undefined;
    const before = ctx.problems.count;
    const { version: v, namespace: ns, manifest: m, keepOnDestroy, sha256, ...options } = flux;
    const version = v ?? d.DEFAULT_FLUX_VERSION;
    const namespace = ns ?? d.DEFAULT_FLUX_NAMESPACE;
    let manifest = m ?? d.releaseManifestUrl(version);
    const manifestKey = configKey(["flux", "manifest"]);
    if (m === undefined && namespace !== d.DEFAULT_FLUX_NAMESPACE) {
        ctx.problems.add(
            "flux",
            ["namespace"],
            namespace,
            `${d.DEFAULT_FLUX_NAMESPACE} while \`${manifestKey}\` is the release install.yaml, which installs into ${d.DEFAULT_FLUX_NAMESPACE}; ` +
                `for another namespace set \`${manifestKey}\` to the output of \`flux install --export --namespace=${namespace}\``,
        );
    }
    if (m !== undefined && mayHoldCredentials(m)) {
        ctx.problems.add(
            "flux",
            ["manifest"],
            m,
            `${EXPECT.manifest} without credentials, query or fragment: the URL is kept in plain ` +
                "text in the stack's state; download the manifest and set the file's path instead",
        );
    } else if (m !== undefined && !m.startsWith("https://")) {
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
        manifest = file;
    }
    const pull = parsePullSecret(ctx, options);
    if (ctx.problems.count > before || !pull.ok) return undefined;
    return {
        version,
        namespace,
        // The configured value, as the user wrote it (relative paths stay relative).
        manifest: m ?? manifest,
        // Keeping Flux on destroy is the safe default: removing its CRDs would delete every
        // HelmRelease, and helm-controller would uninstall the releases of orphaned layers too.
        keepOnDestroy: keepOnDestroy ?? true,
        ...(sha256 !== undefined && { sha256 }),
        options,
        ...(pull.pullSecret !== undefined && { pullSecret: pull.pullSecret }),
        ...confidential(ctx, "flux"),
    };
}
