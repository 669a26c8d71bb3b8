import { ConfigProblem, ConfigWarning } from "./errors";
import { configKey, Problems, SECTION_KEYS } from "./problems";
import { RawConfig } from "./raw";
import { checkAcrossSections } from "./sections/across";
import { SectionContext } from "./sections/context";
import { checkFluxObjects } from "./sections/flux-objects";
import { parseFlux, ParsedFlux } from "./sections/flux";
import { parseGit, ParsedGit } from "./sections/git";
import { parseLayers } from "./sections/layers";
import { parseOci, ParsedOci } from "./sections/oci";
import { parseReadiness } from "./sections/readiness";
import { SECRET_KEYS, SecretKey, secretProblem } from "./sections/secrets";
import { parseSops, SopsSettings } from "./sections/sops";
import { parseTakeover } from "./sections/takeover";
import * as d from "./defaults";
import { Layer } from "../flux/layers";
import { ReadinessSettings } from "../flux/readiness";

export { RawConfig, RawValue } from "./raw";
export { SECRET_KEYS } from "./sections/secrets";
export { checkGitUrl } from "./sections/git-url";
export { configKey };

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
    /** Objects the next `pulumi up` imports (`Kind namespace/name`); empty when none. */
    takeover: string[];
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
    const flux = await parseFlux(ctx);
    // One source for the layers: an OCIRepository when `oci` is set, else the GitRepository.
    const useOci = ctx.raw.oci !== undefined;
    const oci = useOci ? parseOci(ctx) : undefined;
    const git = useOci ? undefined : parseGit(ctx);
    checkOtherSourceKeys(ctx, useOci ? "oci" : "git");
    const sops = await parseSops(ctx);
    const readiness = parseReadiness(ctx);
    const layers = parseLayers(ctx, readiness?.timeout ?? d.DEFAULT_READINESS_TIMEOUT);
    const takeover = parseTakeover(ctx);
    if (
        flux === undefined ||
        (useOci ? oci === undefined : git === undefined) ||
        sops === undefined ||
        readiness === undefined ||
        layers === undefined ||
        takeover === undefined
    ) {
        return { ok: false, problems: ctx.problems.sorted() };
    }
    checkAcrossSections(ctx, { flux, git, oci, sops, readiness, layers });
    if (ctx.problems.count === 0) {
        checkFluxObjects(ctx, { git, oci, sopsSecretName: sops.secretName, layers });
    }
    if (ctx.problems.count > 0) return { ok: false, problems: ctx.problems.sorted() };
    return {
        ok: true,
        config: {
            flux,
            ...(git !== undefined && { git }),
            ...(oci !== undefined && { oci }),
            sops,
            readiness,
            layers,
            takeover,
        },
        warnings: ctx.problems.warnings,
    };
}

/** The secret keys of the source the stack does not use would otherwise be silently ignored. */
function checkOtherSourceKeys(ctx: SectionContext, source: "git" | "oci"): void {
    const other = source === "oci" ? "git" : "oci";
    for (const name of Object.keys(SECRET_KEYS) as SecretKey[]) {
        if (name.startsWith(other) && ctx.raw[name] !== undefined) {
            secretProblem(
                ctx,
                name,
                `unset: \`${configKey([source])}\` is the layers' source, and this key belongs to \`${configKey([other])}\``,
            );
        }
    }
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
