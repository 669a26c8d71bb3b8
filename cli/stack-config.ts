import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
    ConfigError,
    ConfigProblem,
    configKey,
    ParsedConfig,
    parseStackConfig,
    PROJECT,
    isProviderSecretKey,
    isSecretKeyName,
    RawConfig,
} from "../stacks";
import { allowManifestDownloads } from "../flux/install";

/**
 * Runs `fn` with manifest downloads off: the offline commands promise no
 * network, so an https `flux.manifest` is described instead of built.
 */
export async function withoutDownloads<T>(fn: () => Promise<T>): Promise<T> {
    const previous = allowManifestDownloads(false);
    try {
        return await fn();
    } finally {
        allowManifestDownloads(previous);
    }
}

/** The project root: where Pulumi.yaml and the stack files are. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** A stack's config as the program would get it, with every secret it needs stood in for. */
export interface OfflineStack {
    stack: string;
    /** The stack file it was read from. */
    file: string;
    /** Full keys (`flux-gitops:git`) to values, as the language host passes them. */
    config: Record<string, unknown>;
    /** Keys set as secrets (their values are placeholders or the file's plain values). */
    secretKeys: string[];
    /** Keys whose value is a placeholder: they were unset, or encrypted in the stack file. */
    placeholders: string[];
    /** The validated settings. */
    parsed: ParsedConfig;
}

/** A stack's configuration cannot be used; the message lists every problem. */
export class StackConfigError extends Error {}

const PLACEHOLDER = "<redacted>";

/**
 * Stand-ins shaped like the real secrets, so the program's own validation
 * accepts them. They never reach the output: rendered Secret values are
 * redacted. The age identity is generated per run and thrown away.
 */
async function placeholderFor(key: string): Promise<string> {
    // A provider's address is checked to be a URL.
    if (isProviderSecretKey(key) && key.endsWith("Address")) {
        return `https://placeholder.invalid/${PLACEHOLDER}`;
    }
    switch (key) {
        case "ageKey": {
            const age = await import("age-encryption");
            return `# placeholder identity, generated per run\n${await age.generateX25519Identity()}\n`;
        }
        case "gitSshIdentity":
            return `-----BEGIN OPENSSH PRIVATE KEY-----\n${PLACEHOLDER}\n-----END OPENSSH PRIVATE KEY-----\n`;
        case "gitKnownHosts":
            return `${PLACEHOLDER} ssh-ed25519 ${PLACEHOLDER}`;
        case "gitGithubAppPrivateKey":
            return `-----BEGIN RSA PRIVATE KEY-----\n${PLACEHOLDER}\n-----END RSA PRIVATE KEY-----\n`;
        case "gitGithubAppId":
        case "gitGithubAppInstallationId":
            return "0";
        case "gitCaBundle":
            return `-----BEGIN CERTIFICATE-----\n${PLACEHOLDER}\n-----END CERTIFICATE-----\n`;
        case "fluxRegistryCredentials":
            return `${PLACEHOLDER}:${PLACEHOLDER}`;
        default:
            return PLACEHOLDER;
    }
}

/** Stack names are file-name parts: refuse anything that could point elsewhere. */
function stackFile(stack: string, projectDir: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(stack)) {
        throw new StackConfigError(
            `--stack is ${JSON.stringify(stack)}: expected a stack name (letters, digits, ".", "_", "-")`,
        );
    }
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = fs
            .readdirSync(projectDir)
            .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
            .filter((s): s is string => s !== undefined)
            .sort();
        throw new StackConfigError(
            `--stack is ${JSON.stringify(stack)}: there is no ${path.basename(file)}; the stacks here are ${known.join(", ")}`,
        );
    }
    return file;
}

/**
 * Reads `Pulumi.<stack>.yaml` and validates it with the program's own parser,
 * offline: secrets that are unset or encrypted (`secure:`) get placeholders,
 * but only those the stack needs (the parser says which are missing).
 */
export async function loadOfflineStack(
    stack: string,
    projectDir = PROJECT_DIR,
): Promise<OfflineStack> {
    const file = stackFile(stack, projectDir);
    const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as {
        config?: Record<string, unknown>;
    };
    const prefix = `${PROJECT}:`;
    const raw: RawConfig = {};
    const placeholders: string[] = [];
    const stand = async (name: string) => {
        raw[name] = { value: await placeholderFor(name), secret: true };
        placeholders.push(name);
    };
    for (const [fullKey, value] of Object.entries(doc.config ?? {})) {
        if (!fullKey.startsWith(prefix)) continue;
        const name = fullKey.slice(prefix.length);
        const encrypted = typeof value === "object" && value !== null && "secure" in value;
        if (encrypted) await stand(name);
        else raw[name] = { value, secret: false };
    }
    if (raw.ageKey === undefined) await stand("ageKey");

    const parseOffline = () =>
        withoutDownloads(() => parseStackConfig(raw, { baseDir: projectDir }));
    let result = await parseOffline();
    if (!result.ok) {
        const missing = result.problems
            .map((p) => p.key.slice(prefix.length))
            .filter((k) => isSecretKeyName(k) && raw[k] === undefined);
        if (missing.length > 0) {
            for (const k of missing) await stand(k);
            result = await parseOffline();
        }
    }
    if (!result.ok) {
        throw new StackConfigError(describeProblems(stack, file, result.problems));
    }
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
        if (v !== undefined) config[`${prefix}${k}`] = v.value;
    }
    return {
        stack,
        file,
        config,
        secretKeys: Object.entries(raw)
            .filter(([, v]) => v?.secret === true)
            .map(([k]) => configKey([k])),
        placeholders: placeholders.sort(),
        parsed: result.config,
    };
}

function describeProblems(stack: string, file: string, problems: ConfigProblem[]): string {
    return `${path.basename(file)}: ${new ConfigError(stack, problems).message}`;
}
