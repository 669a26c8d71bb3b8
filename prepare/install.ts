import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    buildInstallObjects,
    ChecksumMismatchError,
    chosenComponents,
    declarationFindings,
    KubeObject,
    ManifestError,
    ManifestNotDownloadedError,
    parseManifest,
    PatchError,
    readManifest,
    rememberManifest,
    selectComponents,
    servedVersions,
    UnknownComponentsError,
} from "../flux/install";
import { releaseManifestUrl } from "../stacks/defaults";
import { ConfigError, ConfigProblem, ConfigWarning, formatWarning } from "../stacks/errors";
import { configKey, Problems } from "../stacks/problems";
import { hideManifest } from "../stacks/redact";
import { NeededComponent } from "../stacks/sections/across";
import { FluxSettings } from "../stacks/types";
import { ManifestCache, manifestCache } from "./manifest-cache";
import { checkFluxUpgrade } from "./upgrade-check";

/** The install's objects, or the problems that stop them from being built. */
interface BuiltInstall {
    /** Unset when there are problems; empty when an offline command did not download the manifest. */
    objects?: KubeObject[];
    problems: ConfigProblem[];
    warnings: ConfigWarning[];
}

interface Manifest {
    path: string;
    shown: string;
}

/**
 * The install's objects, built from the manifest with the options applied. A local manifest is
 * read relative to `baseDir` (default: the working directory, the project's when Pulumi runs it).
 * Reads the manifest (a URL at most once per run) and reports, as config problems, what only
 * the manifest can tell: a changed checksum, unknown components, patches that do not apply,
 * controllers or CRD versions the stack's notification objects need and the install lacks.
 */
export async function buildInstall(
    flux: FluxSettings,
    opts: { baseDir?: string; needs?: NeededComponent[]; cache?: ManifestCache } = {},
): Promise<BuiltInstall> {
    const problems = new Problems({ flux: { value: {}, secret: flux.confidential === true } });
    const local = !/^[a-z]+:\/\//i.test(flux.manifest);
    const where = local
        ? path.resolve(opts.baseDir ?? process.cwd(), flux.manifest)
        : flux.manifest;
    const manifest = { path: where, shown: flux.manifest };
    const text = await readInstallManifest(problems, flux, manifest);
    const objects =
        text === undefined
            ? undefined
            : text === ""
              ? []
              : buildObjects(problems, flux, text, opts);
    return {
        ...(problems.count === 0 && { objects }),
        problems: problems.sorted(),
        warnings: problems.warnings,
    };
}

/**
 * The install step of `pulumi up` and `pulumi preview`: the objects, after the upgrade check.
 * Throws one ConfigError listing every problem of the manifest.
 */
export async function prepareInstall(
    flux: FluxSettings,
    needs: NeededComponent[] = [],
): Promise<KubeObject[]> {
    const built = await buildInstall(flux, { needs, cache: manifestCache() });
    if (built.objects === undefined) throw new ConfigError(pulumi.getStack(), built.problems);
    for (const w of built.warnings) {
        await pulumi.log.warn(formatWarning(w));
    }
    await checkFluxUpgrade(flux, built.objects);
    return built.objects;
}

/** The manifest's text; "" when an offline command does not download it; undefined on a problem. */
async function readInstallManifest(
    problems: Problems,
    flux: FluxSettings,
    manifest: Manifest,
): Promise<string | undefined> {
    try {
        return await readManifest(manifest.path, flux.sha256);
    } catch (e) {
        if (e instanceof ManifestNotDownloadedError) {
            // Offline commands only describe the install; `pulumi preview` builds and checks it.
            problems.warn(
                "flux",
                ["manifest"],
                manifest.shown,
                "not downloaded by this offline command, so the install options and `flux.sha256` " +
                    "are not checked against it here; `pulumi preview` checks them",
            );
            return "";
        }
        manifestProblem(problems, flux, manifest, e);
        return undefined;
    }
}

function manifestProblem(problems: Problems, flux: FluxSettings, m: Manifest, e: unknown): void {
    const secret = flux.confidential === true;
    if (e instanceof ChecksumMismatchError) {
        problems.add(
            "flux",
            ["sha256"],
            flux.sha256,
            `the manifest's sha256, which is now ${e.actual}: the manifest changed, so nothing is rolled out; ` +
                "if the change is expected (a new flux.version or manifest), review it and pin the new checksum",
        );
    } else if (e instanceof ManifestError) {
        problems.add(
            "flux",
            ["manifest"],
            m.shown,
            `a readable install manifest. ${hideManifest(secret, m, e.message)}`,
        );
    } else {
        const why = hideManifest(secret, m, (e as Error).message);
        problems.add("flux", ["manifest"], m.shown, `a readable install manifest (${why})`);
    }
}

/**
 * The controllers the stack's other objects need (notification-controller for alerts and the
 * webhook). With flux.components set, the config check has said so already; this finds a
 * manifest that does not hold them.
 */
function checkNeeded(problems: Problems, components: string[], needs: NeededComponent[]): void {
    for (const n of needs.filter((x) => !components.includes(x.component))) {
        problems.addDescribed(
            n.key,
            [],
            "(set)",
            `unset, or an install manifest holding \`${n.component}\`: it installs ${components.join(", ")}`,
        );
    }
}

/**
 * The install's CRDs must serve the API versions the stack writes its notification objects in:
 * otherwise the install applies and `pulumi up` fails on the first Provider, Alert or Receiver.
 * A kind whose CRD the chosen components do not hold is not judged here (checkNeeded reports a
 * missing controller).
 */
function checkServed(
    problems: Problems,
    flux: FluxSettings,
    installed: KubeObject[],
    needs: NeededComponent[],
): void {
    const remedy =
        flux.manifest === releaseManifestUrl(flux.version)
            ? `set \`${configKey(["flux", "version"])}\` to a release that serves it`
            : `set \`${configKey(["flux", "manifest"])}\` to the install of a release that serves it`;
    for (const n of needs) {
        for (const w of n.writes) {
            const [group, version] = w.apiVersion.split("/");
            const crd = installed.find((o) => {
                const spec = o.spec as { group?: string; names?: { kind?: string } } | undefined;
                return (
                    o.kind === "CustomResourceDefinition" &&
                    spec?.group === group &&
                    spec.names?.kind === w.kind
                );
            });
            if (crd === undefined) continue;
            const served = servedVersions(crd);
            if (served.includes(version)) continue;
            problems.addDescribed(
                n.key,
                [],
                "(set)",
                `unset, or an install whose ${w.kind} CRD serves the version the stack writes: ` +
                    `the install's ${w.kind} CRD serves ${served.length > 0 ? served.join(", ") : "no version"}; ` +
                    `the stack writes ${w.apiVersion}: ${remedy}`,
            );
        }
    }
}

/**
 * `objects`, unless one of them would not be applied as it stands (declarationFindings): those
 * are problems of `flux.manifest`, and what is applied differently a warning.
 */
function checkDeclarable(
    problems: Problems,
    flux: FluxSettings,
    objects: KubeObject[],
): KubeObject[] | undefined {
    const { errors, warnings } = declarationFindings(objects);
    for (const w of warnings) problems.warn("flux", ["manifest"], flux.manifest, w);
    for (const e of errors) {
        problems.add("flux", ["manifest"], flux.manifest, `objects that apply as written: ${e}`);
    }
    return errors.length === 0 ? objects : undefined;
}

/** The manifest's objects, from `cache` when an earlier run parsed the same text. */
function parseKept(text: string, cache: ManifestCache | undefined): KubeObject[] {
    const cached = cache?.read(text);
    if (cached !== undefined) rememberManifest(text, cached);
    const parsed = parseManifest(text);
    if (cached === undefined) cache?.write(text, parsed);
    return parsed;
}

/** The objects with the options applied; undefined when the manifest or an option is wrong. */
function buildObjects(
    problems: Problems,
    flux: FluxSettings,
    text: string,
    opts: { needs?: NeededComponent[]; cache?: ManifestCache },
): KubeObject[] | undefined {
    const { options } = flux;
    const needs = opts.needs ?? [];
    let parsed: KubeObject[];
    try {
        // A confidential manifest is never written to the cache, nor read from it.
        parsed = parseKept(text, flux.confidential === true ? undefined : opts.cache);
    } catch (e) {
        problems.add(
            "flux",
            ["manifest"],
            flux.manifest,
            `a Flux install manifest; ${(e as Error).message}`,
        );
        return undefined;
    }
    const components = chosenComponents(parsed, options.components);
    checkNeeded(problems, components, needs);
    checkServed(problems, flux, selectComponents(parsed, components), needs);
    for (const name of Object.keys(options.controllers ?? {})) {
        if (!components.includes(name)) {
            problems.add(
                "flux",
                ["controllers", name],
                name,
                `one of the installed components (${components.join(", ")})`,
            );
        }
    }
    try {
        return checkDeclarable(problems, flux, buildInstallObjects(text, options));
    } catch (e) {
        if (e instanceof UnknownComponentsError) {
            problems.add(
                "flux",
                ["components"],
                options.components,
                `components the install manifest holds: ${e.available.join(", ")}; not ${e.unknown.join(", ")}`,
            );
        } else if (e instanceof PatchError) {
            problems.add("flux", ["patches", e.index], options.patches?.[e.index], e.expected);
        } else {
            throw e;
        }
        return undefined;
    }
}
