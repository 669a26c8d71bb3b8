import { ConfigProblem } from "./errors";
import { Problems } from "./problems";
import { RawConfig } from "./raw";
import { SectionContext } from "./sections/context";
import { parseFlux, ParsedFlux } from "./sections/flux";
import { parseGit, ParsedGit } from "./sections/git";
import { parseLayers } from "./sections/layers";
import { parseOci, ParsedOci } from "./sections/oci";
import { parseReadiness } from "./sections/readiness";
import { SECRET_KEYS } from "./sections/secrets";
import { parseSops, SopsSettings } from "./sections/sops";
import * as d from "./defaults";
import { Layer, ReadinessSettings } from "./types";

export { RawConfig, RawValue } from "./raw";
export { SECRET_KEYS } from "./sections/secrets";
export { checkGitUrl } from "./sections/git-url";
export { configKey } from "./problems";

/** The structured config keys, one section parser each (see sections/context.ts). */
const SECTIONS = ["flux", "git", "oci", "sops", "readiness", "layers"] as const;

/** Validated settings with secrets still as plain strings; the loader wraps them as Pulumi secrets. */
export interface ParsedConfig {
    flux: ParsedFlux;
    /** Unset when `oci` is the source. */
    git?: ParsedGit;
    /** Set instead of `git` for an OCI source. */
    oci?: ParsedOci;
    sops: SopsSettings;
    readiness: ReadinessSettings;
    layers: Layer[];
}

export type ParseResult =
    { ok: true; config: ParsedConfig } | { ok: false; problems: ConfigProblem[] };

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
    const flux = await parseFlux(ctx);
    // One source for the layers: an OCIRepository when `oci` is set, else the GitRepository.
    const useOci = ctx.raw.oci !== undefined;
    const oci = useOci ? parseOci(ctx) : undefined;
    const git = useOci ? undefined : parseGit(ctx);
    const sops = await parseSops(ctx);
    const readiness = parseReadiness(ctx);
    const layers = parseLayers(ctx, readiness?.timeout ?? d.DEFAULT_READINESS_TIMEOUT);
    if (
        ctx.problems.count > 0 ||
        flux === undefined ||
        (useOci ? oci === undefined : git === undefined) ||
        sops === undefined ||
        readiness === undefined ||
        layers === undefined
    ) {
        return { ok: false, problems: ctx.problems.sorted() };
    }
    return {
        ok: true,
        config: {
            flux,
            ...(git !== undefined && { git }),
            ...(oci !== undefined && { oci }),
            sops,
            readiness,
            layers,
        },
    };
}

/** Typos in key names would otherwise be silently ignored. */
function checkKnownKeys(ctx: SectionContext): void {
    const known: string[] = [...SECTIONS, ...Object.keys(SECRET_KEYS)];
    for (const [name, v] of Object.entries(ctx.raw)) {
        if (!known.includes(name) && v !== undefined) {
            ctx.problems.add(
                name,
                [],
                v.value,
                `no such key; the known keys are ${known.join(", ")}`,
            );
        }
    }
}
