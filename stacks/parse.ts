import { ConfigProblem, ConfigWarning } from "./errors";
import { configKey, Problems, SECTION_KEYS } from "./problems";
import { RawConfig } from "./raw";
import { checkAcrossSections } from "./sections/across";
import { SectionContext } from "./sections/context";
import { checkFluxObjects } from "./sections/flux-objects";
import { parseFlux } from "./sections/flux";
import { parseGit, ParsedGit } from "./sections/git";
import { parseLayers } from "./sections/layers";
import { parseReadiness } from "./sections/readiness";
import { SECRET_KEYS } from "./sections/secrets";
import { parseSops, SopsSettings } from "./sections/sops";
import { parseTakeover } from "./sections/takeover";
import * as d from "./defaults";
import { FluxSettings, Layer, ReadinessSettings } from "./types";

export { RawConfig, RawValue } from "./raw";
export { SECRET_KEYS } from "./sections/secrets";
export { checkGitUrl } from "./sections/git-url";
export { configKey };

/** Validated settings with secrets still as plain strings; the loader wraps them as Pulumi secrets. */
export interface ParsedConfig {
    flux: FluxSettings;
    git: ParsedGit;
    sops: SopsSettings;
    readiness: ReadinessSettings;
    layers: Layer[];
    takeover: boolean;
}

export type ParseResult =
    | { ok: true; config: ParsedConfig; warnings: ConfigWarning[] }
    | { ok: false; problems: ConfigProblem[] };

/** Options that make parsing independent of the process (tests, previews from another directory). */
export interface ParseOptions {
    /** Directory that relative manifest paths are resolved against. Default: the working directory. */
    baseDir?: string;
}

/**
 * Validates a stack's raw config and fills in the seed's defaults.
 * Every section reports all of its problems; they come back together.
 */
export async function parseStackConfig(
    raw: RawConfig,
    opts: ParseOptions = {},
): Promise<ParseResult> {
    const ctx: SectionContext = {
        raw,
        problems: new Problems(raw),
        baseDir: opts.baseDir ?? process.cwd(),
    };
    checkKnownKeys(ctx);
    const flux = parseFlux(ctx);
    const git = parseGit(ctx);
    const sops = await parseSops(ctx);
    const readiness = parseReadiness(ctx);
    const layers = parseLayers(ctx, readiness?.timeout ?? d.DEFAULT_READINESS_TIMEOUT);
    const takeover = parseTakeover(ctx);
    if (
        flux === undefined ||
        git === undefined ||
        sops === undefined ||
        readiness === undefined ||
        layers === undefined ||
        takeover === undefined
    ) {
        return { ok: false, problems: ctx.problems.sorted() };
    }
    checkAcrossSections(ctx, { flux, git, sops, readiness, layers });
    if (ctx.problems.count === 0) {
        checkFluxObjects(ctx, { git, sopsSecretName: sops.secretName, layers });
    }
    if (ctx.problems.count > 0) return { ok: false, problems: ctx.problems.sorted() };
    return {
        ok: true,
        config: { flux, git, sops, readiness, layers, takeover },
        warnings: ctx.problems.warnings,
    };
}

/** Typos in key names would otherwise be silently ignored. */
function checkKnownKeys(ctx: SectionContext): void {
    const known: string[] = [...SECTION_KEYS, ...Object.keys(SECRET_KEYS), "takeover"];
    for (const [name, v] of Object.entries(ctx.raw)) {
        if (!known.includes(name) && v !== undefined) {
            ctx.problems.add(name, [], v.value, unknownKeyHint(name, known));
        }
    }
}

/** What was probably meant by an unknown key. */
function unknownKeyHint(name: string, known: string[]): string {
    const section = /^([A-Za-z]+)[.[]/.exec(name)?.[1];
    if (section !== undefined && (SECTION_KEYS as readonly string[]).includes(section)) {
        const key = configKey([name]);
        return (
            `no such key: set without --path, this made a key named "${name}" instead of a field of ` +
            `\`${configKey([section])}\`; run \`pulumi config rm '${key}'\`, then ` +
            `\`pulumi config set --path '${key}' <value>\``
        );
    }
    const sameLetters = known.find((k) => k.toLowerCase() === name.toLowerCase());
    const meant =
        sameLetters === undefined ? "" : `; did you mean \`${configKey([sameLetters])}\`?`;
    return `no such key; the known keys are ${known.join(", ")}${meant}`;
}
