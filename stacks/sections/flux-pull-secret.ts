import { dockerConfigJson, FluxPullSecret, InstallOptions } from "../../flux/install";
import { configKey } from "../problems";
import { SectionContext } from "./context";
import { readSecret, secretProblem } from "./secrets";

/** The registry `flux install` pulls from when none is set. */
const DEFAULT_REGISTRY = "ghcr.io/fluxcd";

const CREDENTIALS_EXPECTED =
    "registry credentials as `username:password` (like `flux bootstrap --registry-creds`)";

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
