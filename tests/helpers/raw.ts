import { ConfigProblem, ConfigWarning, parseStackConfig, RawConfig } from "../../stacks";
import { P } from "./fixtures";

/** A valid raw config of a public https repository, with a fresh age key. */
export async function publicRepoRaw(): Promise<RawConfig> {
    const age = await import("age-encryption");
    return {
        git: { value: { url: "https://git.example.test/org/public.git" }, secret: false },
        ageKey: { value: await age.generateX25519Identity(), secret: true },
    };
}

/** Keys set with --secret, as README tells users to. */
const CONFIDENTIAL = ["ageKey", "gitSshIdentity", "gitPassword", "gitBearerToken"];

/** `over` merged into `base` field by field, as `pulumi config set --path` would. */
function merge(base: unknown, over: unknown): unknown {
    const isMap = (v: unknown): v is Record<string, unknown> =>
        typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isMap(base) || !isMap(over)) return over;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
    return out;
}

/** Parses `raw` with `changes` (plain values) merged into it. */
export async function parseWith(
    raw: RawConfig,
    changes: Record<string, unknown>,
): Promise<{ problems: ConfigProblem[]; warnings: ConfigWarning[] }> {
    const merged: RawConfig = { ...raw };
    for (const [k, value] of Object.entries(changes)) {
        const secret = raw[k]?.secret ?? CONFIDENTIAL.includes(k);
        merged[k] = { value: merge(raw[k]?.value, value), secret };
    }
    const r = await parseStackConfig(merged);
    const warnings = (r as { warnings?: ConfigWarning[] }).warnings ?? [];
    return { problems: r.ok ? [] : r.problems, warnings };
}

/** A stack file's config (full keys, `flux-gitops:git`) as the program reads it, `secretKeys` set with --secret. */
export function rawConfig(config: Record<string, unknown>, secretKeys: string[]): RawConfig {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [
            k.slice(P.length + 1),
            { value: v, secret: secretKeys.includes(k) },
        ]),
    );
}
