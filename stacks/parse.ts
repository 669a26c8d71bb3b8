import { readinessSchema } from "./config-schema";
import { ConfigProblem, ConfigWarning } from "./errors";
import { ParsedConfig, ParsedSource } from "./parsed";
import { configKey, Problems, SECTION_KEYS } from "./problems";
import { RawConfig } from "./raw";
import { checkAcrossSections } from "./sections/across";
import { SectionContext } from "./sections/context";
import { checkFluxObjects } from "./sections/flux-objects";
import { parseFlux } from "./sections/flux";
import { parseGit } from "./sections/git";
import { parseLayers } from "./sections/layers";
import { parseNotifications, parseReceiver } from "./sections/notifications";
import { parseOci } from "./sections/oci";
import { parseReadiness } from "./sections/readiness";
import { SECRET_KEYS, SecretKey, secretProblem } from "./sections/secrets";
import { isProviderSecretKey, PROVIDER_SECRET_KEY_ENTRY } from "./secret-keys";
import { parseSops } from "./sections/sops";
import { parseTakeover } from "./sections/takeover";

export { RawConfig, RawValue } from "./raw";
export { SECRET_KEYS } from "./sections/secrets";
export { checkGitUrl } from "./sections/git-url";
export { configKey };

type ParseResult =
    | { ok: true; config: ParsedConfig; warnings: ConfigWarning[] }
    | { ok: false; problems: ConfigProblem[] };

/** Options that make parsing independent of the process (tests, previews from another directory). */
interface ParseOptions {
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
    const source = parseSource(ctx);
    const sops = await parseSops(ctx);
    const readiness = parseReadiness(ctx);
    // Layers without a readinessTimeout wait as long as `readiness.timeout`, or its default.
    const layers = parseLayers(ctx, (readiness ?? readinessSchema.parse({})).timeout);
    const notifications = parseNotifications(
        ctx,
        layers?.map((l) => l.name),
    );
    const receiver = parseReceiver(ctx);
    const takeover = parseTakeover(ctx);
    if (
        flux === undefined ||
        notifications === undefined ||
        receiver === undefined ||
        source === undefined ||
        sops === undefined ||
        readiness === undefined ||
        layers === undefined ||
        takeover === undefined
    ) {
        return { ok: false, problems: ctx.problems.sorted() };
    }
    const config: ParsedConfig = {
        flux,
        source,
        sops,
        readiness,
        layers,
        notifications,
        receiver,
        takeover,
    };
    checkAcrossSections(ctx, config);
    if (ctx.problems.count === 0) {
        checkFluxObjects(ctx, {
            source,
            sopsSecretName: sops.secretName,
            layers,
            notifications,
            receiver,
        });
    }
    if (ctx.problems.count > 0) return { ok: false, problems: ctx.problems.sorted() };
    return { ok: true, config, warnings: ctx.problems.warnings };
}

/** One source for the layers: an OCIRepository when `oci` is set, else the GitRepository. */
function parseSource(ctx: SectionContext): ParsedSource | undefined {
    const useOci = ctx.raw.oci !== undefined;
    const oci = useOci ? parseOci(ctx) : undefined;
    const git = useOci ? undefined : parseGit(ctx);
    checkOtherSourceKeys(ctx, useOci ? "oci" : "git");
    if (oci !== undefined) return { kind: "oci", oci };
    if (git !== undefined) return { kind: "git", git };
    return undefined;
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
    const known: string[] = [
        ...SECTION_KEYS,
        ...Object.keys(SECRET_KEYS),
        `${PROVIDER_SECRET_KEY_ENTRY}Address`,
        `${PROVIDER_SECRET_KEY_ENTRY}Token`,
        "takeover",
    ];
    for (const [name, v] of Object.entries(ctx.raw)) {
        if (!known.includes(name) && !isProviderSecretKey(name) && v !== undefined) {
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
