import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { AGE_KEY_EXPECTED, ageRecipients } from "./age";
import * as d from "./defaults";
import { ConfigProblem } from "./errors";
import { dependencyOrder, findCycles } from "./layer-graph";
import {
    EXPECT,
    fluxSchema,
    gitSchema,
    layerSchema,
    layersSchema,
    readinessSchema,
    sopsSchema,
} from "./schema";
import {
    FluxSettings,
    GitAuthKind,
    GitRef,
    GitSettings,
    Layer,
    LayerSettings,
    ReadinessSettings,
} from "./types";

/** One config value as Pulumi holds it: parsed JSON for structured values, and whether it is a secret. */
export interface RawValue {
    value: unknown;
    secret: boolean;
}

/** The stack's config values, keyed without the project prefix (`layers`, `ageKey`, …). */
export type RawConfig = Record<string, RawValue | undefined>;

/** Structured config keys and the schema of each. */
const SECTIONS = {
    flux: fluxSchema,
    git: gitSchema,
    sops: sopsSchema,
    readiness: readinessSchema,
    layers: layersSchema,
} as const;

/** Secret config keys; `plainAllowed` ones are not confidential and may be set without --secret. */
export const SECRET_KEYS = {
    ageKey: { plainAllowed: false },
    gitSshIdentity: { plainAllowed: false },
    gitKnownHosts: { plainAllowed: true },
    gitUsername: { plainAllowed: true },
    gitPassword: { plainAllowed: false },
    gitBearerToken: { plainAllowed: false },
} as const;
type SecretKey = keyof typeof SECRET_KEYS;

const AUTH_SECRETS: Record<string, SecretKey[]> = {
    ssh: ["gitSshIdentity", "gitKnownHosts"],
    basic: ["gitUsername", "gitPassword"],
    bearer: ["gitBearerToken"],
    none: [],
};

/** Validated settings with secrets still as plain strings; the loader wraps them as Pulumi secrets. */
export interface ParsedConfig {
    flux: FluxSettings;
    git: Omit<GitSettings, "auth"> & {
        auth: GitAuthKind;
        credentials: Partial<Record<SecretKey, string>>;
    };
    sops: { secretName: string; ageKey: string; recipients: string[] };
    readiness: ReadinessSettings;
    layers: Layer[];
    takeover: boolean;
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
 * Collects every problem instead of stopping at the first.
 */
export async function parseStackConfig(
    raw: RawConfig,
    opts: ParseOptions = {},
): Promise<ParseResult> {
    const problems: ConfigProblem[] = [];
    const key = (...p: PropertyKey[]) => configKey(p);
    const show = (name: string, value: unknown) =>
        raw[name]?.secret ? "[secret]" : showValue(value);
    const problem = (name: string, p: PropertyKey[], value: unknown, expected: string) =>
        problems.push({ key: key(name, ...p), value: show(name, value), expected });

    // Typos in key names would otherwise be silently ignored.
    const known = [...Object.keys(SECTIONS), ...Object.keys(SECRET_KEYS), "takeover"];
    for (const name of Object.keys(raw)) {
        if (!known.includes(name) && raw[name] !== undefined) {
            problem(
                name,
                [],
                raw[name]?.value,
                `no such key; the known keys are ${known.join(", ")}`,
            );
        }
    }

    // 1. Each structured section against its schema.
    const section = <S extends z.ZodType>(
        name: keyof typeof SECTIONS,
        schema: S,
    ): z.output<S> | undefined => {
        const value = raw[name]?.value ?? {};
        const r = schema.safeParse(value);
        if (r.success) return r.data;
        for (const issue of r.error.issues) {
            for (const p of issuePaths(issue)) {
                problem(name, p, issueValue(issue, value, p), issueExpected(issue));
            }
        }
        return undefined;
    };
    const flux = section("flux", fluxSchema) ?? {};
    const git = section("git", gitSchema);
    const sops = section("sops", sopsSchema) ?? {};
    const readiness = section("readiness", readinessSchema) ?? {};
    // `pulumi config set flux-gitops:takeover true` stores the text "true".
    const takeoverValue = raw.takeover?.value ?? false;
    const takeover = takeoverValue === true || takeoverValue === "true";
    if (!takeover && takeoverValue !== false && takeoverValue !== "false") {
        problem("takeover", [], takeoverValue, "true or false");
    }
    // Layers are checked one by one so that one bad layer does not hide the others' problems.
    const layerValues = raw.layers?.value ?? {};
    const layerOverrides: Record<string, z.output<typeof layerSchema>> = {};
    if (
        section("layers", z.record(z.string(), z.unknown(), { error: EXPECT.layers })) !== undefined
    ) {
        for (const [name, value] of Object.entries(layerValues as Record<string, unknown>)) {
            const r = z.object({ [name]: layerSchema }).safeParse({ [name]: value });
            const nameOk = layersSchema.safeParse({ [name]: {} }).success;
            if (!nameOk) {
                problem("layers", [name], name, `a layer name that is ${EXPECT.label}`);
            }
            if (r.success && nameOk) {
                layerOverrides[name] = r.data[name];
            } else if (!r.success) {
                for (const issue of r.error.issues) {
                    for (const p of issuePaths(issue)) {
                        problem(
                            "layers",
                            p,
                            issueValue(issue, layerValues, p),
                            issueExpected(issue),
                        );
                    }
                }
            }
        }
    }

    // 2. Secrets: present when needed, stored as secrets, well-formed.
    const secret = (name: SecretKey): string | undefined => {
        const v = raw[name];
        if (v === undefined) return undefined;
        if (typeof v.value !== "string" || v.value.trim() === "") {
            problem(name, [], v.value, "a non-empty string");
            return undefined;
        }
        if (!v.secret && !SECRET_KEYS[name].plainAllowed) {
            problems.push({
                key: key(name),
                value: "[stored in plain text, not shown]",
                expected: `a secret: set it with \`pulumi config set --secret ${key(name)}\` (and remove the plain value)`,
            });
            return undefined;
        }
        return v.value;
    };
    const secretProblem = (name: SecretKey, expected: string) =>
        problems.push({
            key: key(name),
            value: raw[name] === undefined ? "(not set)" : "[secret]",
            expected,
        });

    // 3. The Git source.
    let gitConfig: ParsedConfig["git"] | undefined;
    if (git !== undefined) {
        const url = checkGitUrl(git.url);
        if (!url.ok && url.hasCredentials) {
            problems.push({
                key: key("git", "url"),
                value: "[contains credentials, not shown]",
                expected: url.expected,
            });
        } else if (!url.ok) {
            problem("git", ["url"], git.url, url.expected);
        }
        const scheme = url.ok ? url.scheme : undefined;
        const auth = git.auth ?? (scheme === "ssh" ? "ssh" : "none");
        if (scheme === "ssh" && auth !== "ssh") {
            problem("git", ["auth"], git.auth, "ssh (or unset) for an ssh:// URL");
        } else if (scheme !== undefined && scheme !== "ssh" && auth === "ssh") {
            problem(
                "git",
                ["auth"],
                git.auth,
                "basic, bearer or none for an http(s):// URL; ssh needs an ssh:// URL",
            );
        } else if (scheme === "http" && auth !== "none") {
            problem(
                "git",
                ["auth"],
                git.auth,
                "none for a plain http:// URL; credentials are only sent over https://",
            );
        }
        const credentials: Partial<Record<SecretKey, string>> = {};
        // Which credentials belong depends on the URL's scheme: judge them only for a valid URL.
        const credentialKeys = url.ok
            ? ([
                  "gitSshIdentity",
                  "gitKnownHosts",
                  "gitUsername",
                  "gitPassword",
                  "gitBearerToken",
              ] as const)
            : [];
        for (const name of credentialKeys) {
            const needed = AUTH_SECRETS[auth].includes(name);
            if (!needed && raw[name] !== undefined) {
                secretProblem(
                    name,
                    `not set when \`${key("git", "auth")}\` is ${auth}; remove it or change the auth`,
                );
                continue;
            }
            if (!needed) continue;
            const v = secret(name);
            if (raw[name] === undefined) {
                secretProblem(
                    name,
                    `${SECRET_EXPECTED[name]}, required when \`${key("git", "auth")}\` is ${auth}`,
                );
            } else if (v !== undefined) {
                const shapeOk = SECRET_SHAPE[name]?.(v) ?? true;
                if (shapeOk) credentials[name] = v;
                else secretProblem(name, SECRET_EXPECTED[name]);
            }
        }
        if (url.ok) {
            gitConfig = {
                repositoryName: git.repositoryName ?? d.DEFAULT_GIT_REPOSITORY_NAME,
                url: url.url,
                ref: (git.ref as GitRef | undefined) ?? { branch: d.DEFAULT_GIT_BRANCH },
                interval: git.interval ?? d.DEFAULT_GIT_INTERVAL,
                secretName: git.secretName ?? d.DEFAULT_GIT_SECRET_NAME,
                auth,
                credentials,
            };
        }
    }

    // 4. The age key: the library derives the recipients and so proves the key is usable.
    let recipients: string[] = [];
    const ageKey = secret("ageKey");
    if (raw.ageKey === undefined) {
        secretProblem(
            "ageKey",
            `${AGE_KEY_EXPECTED}; set it with \`pulumi config set --secret ${key("ageKey")} < age.agekey\``,
        );
    } else if (ageKey !== undefined) {
        try {
            recipients = await ageRecipients(ageKey);
        } catch (e) {
            secretProblem("ageKey", `${AGE_KEY_EXPECTED} (${(e as Error).message})`);
        }
    }

    // 5. Flux install.
    const version = flux.version ?? d.DEFAULT_FLUX_VERSION;
    const namespace = flux.namespace ?? d.DEFAULT_FLUX_NAMESPACE;
    const manifest = flux.manifest ?? d.releaseManifestUrl(version);
    if (flux.manifest === undefined && namespace !== d.DEFAULT_FLUX_NAMESPACE) {
        problem(
            "flux",
            ["namespace"],
            namespace,
            `${d.DEFAULT_FLUX_NAMESPACE} while \`${key("flux", "manifest")}\` is the release install.yaml, which installs into ${d.DEFAULT_FLUX_NAMESPACE}; ` +
                `for another namespace set \`${key("flux", "manifest")}\` to the output of \`flux install --export --namespace=${namespace}\``,
        );
    }
    if (flux.manifest !== undefined && !flux.manifest.startsWith("https://")) {
        const file = path.resolve(opts.baseDir ?? process.cwd(), flux.manifest);
        if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
            problem(
                "flux",
                ["manifest"],
                flux.manifest,
                `${EXPECT.manifest}; no file exists at ${file}`,
            );
        }
    }

    // 6. Layers: seed defaults, stack overrides, then the graph.
    const layers = mergeLayers(
        layerOverrides,
        readiness.timeout ?? d.DEFAULT_READINESS_TIMEOUT,
        problem,
    );
    const names = new Set(layers.map((l) => l.name));
    for (const l of layers) {
        for (const [i, dep] of l.dependsOn.entries()) {
            if (dep === l.name) {
                problem(
                    "layers",
                    [l.name, "dependsOn", i],
                    dep,
                    "names of other layers (a layer cannot depend on itself)",
                );
            } else if (!names.has(dep)) {
                const why =
                    dep in d.SEED_LAYERS || dep in layerOverrides
                        ? "is disabled"
                        : "is not a layer";
                problem(
                    "layers",
                    [l.name, "dependsOn", i],
                    dep,
                    `names of enabled layers (${[...names].join(", ")}); \`${dep}\` ${why}`,
                );
            }
        }
        if (l.wait === true && l.healthChecks.length > 0) {
            problem(
                "layers",
                [l.name, "wait"],
                l.wait,
                "false or unset while healthChecks are listed: Flux ignores healthChecks when wait is true; keep one of them",
            );
        }
    }
    const acyclic = layers.filter((l) =>
        l.dependsOn.every((dep) => names.has(dep) && dep !== l.name),
    );
    for (const cycle of findCycles(acyclic)) {
        if (cycle.length <= 2) continue;
        problem(
            "layers",
            [cycle[0], "dependsOn"],
            layers.find((l) => l.name === cycle[0])?.dependsOn,
            `dependencies without a cycle; found ${cycle.join(" → ")}`,
        );
    }

    if (problems.length > 0 || gitConfig === undefined || ageKey === undefined) {
        // In key order, so related problems stand together and the output is stable.
        problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        return { ok: false, problems };
    }
    return {
        ok: true,
        config: {
            // Keeping Flux on destroy is the safe default: removing its CRDs would delete every
            // HelmRelease, and helm-controller would uninstall the releases of orphaned layers too.
            flux: { version, namespace, manifest, keepOnDestroy: flux.keepOnDestroy ?? true },
            git: gitConfig,
            sops: { secretName: sops.secretName ?? d.DEFAULT_SOPS_SECRET_NAME, ageKey, recipients },
            readiness: {
                enabled: readiness.enabled ?? true,
                timeout: readiness.timeout ?? d.DEFAULT_READINESS_TIMEOUT,
            },
            layers: dependencyOrder(layers),
            takeover,
        },
    };
}

/** The seed's layers with the stack's overrides applied; new layers must bring a path. */
function mergeLayers(
    overrides: Record<string, z.output<typeof layerSchema>>,
    readinessTimeout: string,
    problem: (name: string, p: PropertyKey[], value: unknown, expected: string) => void,
): Layer[] {
    const names = [
        ...Object.keys(d.SEED_LAYERS),
        ...Object.keys(overrides).filter((n) => !(n in d.SEED_LAYERS)),
    ];
    const layers: Layer[] = [];
    for (const name of names) {
        const { enabled, healthChecks, ...o } = overrides[name] ?? {};
        if (enabled === false) continue;
        const base: Partial<LayerSettings> = d.SEED_LAYERS[name] ?? {
            interval: d.DEFAULT_LAYER_INTERVAL,
            prune: d.DEFAULT_PRUNE,
            dependsOn: [],
            healthChecks: [],
        };
        const merged = { ...base, ...stripUndefined(o) };
        if (healthChecks !== undefined) {
            merged.healthChecks = healthChecks.map((h) => ({
                apiVersion: h.apiVersion ?? d.DEFAULT_HEALTH_CHECK_API_VERSION,
                kind: h.kind ?? d.DEFAULT_HEALTH_CHECK_KIND,
                name: h.name,
                namespace: h.namespace,
            }));
        }
        if (merged.path === undefined) {
            problem(
                "layers",
                [name, "path"],
                undefined,
                `${EXPECT.path}; a layer that is not one of the seed's needs a path`,
            );
            continue;
        }
        merged.readinessTimeout ??= readinessTimeout;
        layers.push({ name, ...(merged as LayerSettings) });
    }
    return layers;
}

const SECRET_EXPECTED: Record<Exclude<SecretKey, "ageKey">, string> = {
    gitSshIdentity: "a private SSH key in PEM or OpenSSH form (-----BEGIN … PRIVATE KEY-----)",
    gitKnownHosts:
        "known_hosts lines for the Git host (`ssh-keyscan <host>`), each `<host> <key-type> <key>`",
    gitUsername: "the Git username",
    gitPassword: "the Git password or access token",
    gitBearerToken: "a bearer token for the Git host",
};

const SECRET_SHAPE: Partial<Record<SecretKey, (v: string) => boolean>> = {
    gitSshIdentity: (v) =>
        /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v) && /-----END [A-Z ]*PRIVATE KEY-----/.test(v),
    gitKnownHosts: (v) =>
        v
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter((l) => l !== "" && !l.startsWith("#"))
            .every((l) => l.split(/\s+/).length >= 3),
};

type UrlCheck =
    | { ok: true; url: string; scheme: "ssh" | "https" | "http" }
    | { ok: false; expected: string; hasCredentials?: boolean };

/** Accepts what Flux's GitRepository accepts; explains the usual mistakes. */
export function checkGitUrl(url: string | undefined): UrlCheck {
    if (url === undefined || url.trim() === "") {
        return { ok: false, expected: `${EXPECT.gitUrl}; it is required` };
    }
    const scp = /^([^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(url);
    if (scp !== null) {
        const hint = `ssh://${scp[1] ?? "git@"}${scp[2]}/${scp[3].replace(/^\//, "")}`;
        return {
            ok: false,
            expected: `${EXPECT.gitUrl}; Flux does not take scp-style addresses, write ${hint}`,
        };
    }
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return { ok: false, expected: EXPECT.gitUrl };
    }
    const scheme = parsed.protocol.replace(/:$/, "");
    if (scheme !== "ssh" && scheme !== "https" && scheme !== "http") {
        return { ok: false, expected: EXPECT.gitUrl };
    }
    if (parsed.hostname === "" || parsed.pathname === "" || parsed.pathname === "/") {
        return { ok: false, expected: `${EXPECT.gitUrl}; it needs a host and a repository path` };
    }
    if (parsed.password !== "" || (scheme !== "ssh" && parsed.username !== "")) {
        return {
            ok: false,
            hasCredentials: true,
            expected: `${EXPECT.gitUrl} without credentials; put them in the git secrets (see README)`,
        };
    }
    return { ok: true, url, scheme };
}

/** `flux-gitops:layers.apps.healthChecks[0].name` for a path. */
export function configKey(p: PropertyKey[]): string {
    let k = `${d.PROJECT}:`;
    for (const [i, s] of p.entries()) {
        k += typeof s === "number" ? `[${s}]` : `${i === 0 ? "" : "."}${String(s)}`;
    }
    return k;
}

function showValue(v: unknown): string {
    return v === undefined ? "(not set)" : JSON.stringify(v);
}

function valueAt(root: unknown, p: PropertyKey[]): unknown {
    let v: unknown = root;
    for (const s of p) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[s as string];
    }
    return v;
}

/** The paths an issue is about: unknown keys are reported one by one, at their own path. */
function issuePaths(issue: z.core.$ZodIssue): PropertyKey[][] {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => [...issue.path, k]);
    }
    return [issue.path];
}

/** The bad value: for a bad map key, the key itself. */
function issueValue(issue: z.core.$ZodIssue, root: unknown, p: PropertyKey[]): unknown {
    return issue.code === "invalid_key" ? p[p.length - 1] : valueAt(root, p);
}

function issueExpected(issue: z.core.$ZodIssue): string {
    if (issue.code === "unrecognized_keys") {
        return "no such key; check the spelling against the config reference in README.md";
    }
    return issue.message;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
