import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { PROJECT } from "./defaults";
import { ConfigError, formatWarning } from "./errors";
import { parseStackConfig, RawConfig } from "./parse";
import { ParsedConfig } from "./parsed";
import { GIT_AUTH } from "../flux/git";
import { ParsedGit } from "./sections/git";
import { ParsedOci } from "./sections/oci";
import { SecretKey } from "./sections/secrets";
import { GitAuth, GitSettings, OciSettings, StackConfig } from "./types";

/**
 * The raw config of the running stack: every `flux-gitops:*` key, structured
 * values parsed from the JSON the language host passes, with its secret flag.
 */
export function readRawConfig(): RawConfig {
    const raw: RawConfig = {};
    const prefix = `${PROJECT}:`;
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        raw[fullKey.slice(prefix.length)] = { value: parseValue(text), secret: isSecret(fullKey) };
    }
    return raw;
}

/** Structured values arrive as JSON text; plain strings stay strings. */
function parseValue(text: string): unknown {
    if (!/^\s*[[{]/.test(text)) return text;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function isSecret(fullKey: string): boolean {
    // Internal to the SDK but the only way to tell `--secret` values apart before
    // wrapping them; the language host fills it from the stack's secure values.
    const fn = (runtimeConfig as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    return fn?.(fullKey) ?? false;
}

/**
 * The validated configuration of the running stack. Throws one `ConfigError`
 * listing every problem, before the program declares anything.
 */
export async function loadStackConfig(raw: RawConfig = readRawConfig()): Promise<StackConfig> {
    const result = await parseStackConfig(raw);
    if (!result.ok) {
        throw new ConfigError(pulumi.getStack(), result.problems);
    }
    for (const w of result.warnings) {
        await pulumi.log.warn(formatWarning(w));
    }
    return toStackConfig(result.config);
}

type Secret = (v: string | undefined) => pulumi.Output<string>;

/** Wraps every confidential value as a Pulumi secret, so it is encrypted in state and masked in output. */
export function toStackConfig(c: ParsedConfig): StackConfig {
    const s: Secret = (v) => pulumi.secret(v ?? "");
    const { pullSecret, ...flux } = c.flux;
    return {
        flux: {
            ...flux,
            ...(pullSecret !== undefined && {
                pullSecret: {
                    name: pullSecret.name,
                    dockerConfigJson: s(pullSecret.dockerConfigJson),
                },
            }),
        },
        source:
            c.source.kind === "oci"
                ? { kind: "oci", oci: toOciSettings(c.source.oci, s) }
                : { kind: "git", git: toGitSettings(c.source.git, s) },
        sops: {
            secretName: c.sops.secretName,
            ageKey: s(c.sops.ageKey),
            recipients: c.sops.recipients,
        },
        readiness: c.readiness,
        layers: c.layers,
        notifications: {
            providers: c.notifications.providers.map((p) => ({
                ...p,
                credentials: {
                    ...(p.credentials.address !== undefined && {
                        address: s(p.credentials.address),
                    }),
                    ...(p.credentials.token !== undefined && { token: s(p.credentials.token) }),
                },
            })),
            alerts: c.notifications.alerts,
        },
        receiver: c.receiver === null ? null : { ...c.receiver, token: s(c.receiver.token) },
        takeover: c.takeover,
    };
}

function toOciSettings(oci: ParsedOci, s: Secret): OciSettings {
    const dockerConfigJson =
        oci.dockerConfigJson === undefined ? undefined : s(oci.dockerConfigJson);
    return { ...oci, dockerConfigJson };
}

function toGitSettings(g: ParsedGit, s: Secret): GitSettings {
    // Each credential of the kind, from its secret config key, as a Pulumi secret.
    const fields = GIT_AUTH[g.auth].map((f) => [
        f.field,
        s(g.credentials[f.configKey as SecretKey]),
    ]);
    const auth = { kind: g.auth, ...Object.fromEntries(fields) } as GitAuth;
    const { credentials: _unused, caBundle, ...git } = g;
    return { ...git, auth, ...(caBundle !== undefined && { caBundle: s(caBundle) }) };
}
