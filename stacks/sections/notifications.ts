import { z } from "zod";
import {
    AlertSettings,
    PROVIDER_TYPES,
    ProviderSettings,
    ReceiverSettings,
    RECEIVER_TYPES,
} from "../../flux/notifications";
import { alertSchema, notificationsSchema, receiverSchema } from "../notifications-schema";
import { configKey } from "../problems";
import { isProviderSecretKey, providerSecretKey } from "../secret-keys";
import { SectionContext, warnPlainOnly } from "./context";
import { readSecret, secretProblem } from "./secrets";

/** Providers and Alerts with the credentials plain; the loader wraps them as secrets. */
export interface ParsedNotifications {
    providers: ProviderSettings<string>[];
    alerts: AlertSettings[];
}

/** The push webhook with its token plain; the loader wraps it as a secret. */
export type ParsedReceiver = ReceiverSettings<string>;

type ProviderEntry = z.output<typeof notificationsSchema>["providers"][string];
type AlertEntry = z.output<typeof alertSchema>;

const HTTP_URL = /^https?:\/\/[^\s]+$/;

/**
 * `notifications` and the providers' secret keys: each provider with the
 * address and token its type needs, from where its type allows them; the
 * alerts, one per provider unless the stack lists its own. `layerNames` are
 * the enabled layers, an alert's default (undefined when the layers are invalid).
 */
export function parseNotifications(
    ctx: SectionContext,
    layerNames: string[] | undefined,
): ParsedNotifications | undefined {
    const before = ctx.problems.count;
    const value = withoutTokens(ctx, "notifications", (v) =>
        Object.entries(asMap(asMap(v).providers)).map(([name, p]) => ({
            at: ["providers", name],
            entry: p,
            key: providerSecretKey(name, "Token"),
        })),
    );
    const n = parseValue(ctx, "notifications", notificationsSchema, value);
    warnPlainOnly(ctx, "notifications", "the specs of Providers and Alerts");
    checkProviderKeys(ctx, n === undefined ? undefined : Object.keys(n.providers));
    if (n === undefined) return undefined;
    const providers = Object.entries(n.providers).map(([name, p]) => readProvider(ctx, name, p));
    const alerts = resolveAlerts(ctx, n, providers, layerNames ?? []);
    if (ctx.problems.count > before) return undefined;
    return { providers, alerts };
}

/** A map's entries, or none for anything else (the schema reports it). */
function asMap(v: unknown): Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : {};
}

/**
 * The key's value with every `token` field taken out and refused: a token in
 * the stack file is plain text. The value is never shown; the message names the
 * secret key to set instead.
 */
function withoutTokens(
    ctx: SectionContext,
    name: string,
    entries: (v: unknown) => { at: string[]; entry: unknown; key: string }[],
): unknown {
    const value = structuredClone(ctx.raw[name]?.value ?? {});
    for (const { at, entry, key } of entries(value)) {
        const fields = asMap(entry);
        if (!Object.hasOwn(fields, "token")) continue;
        delete fields.token;
        ctx.problems.addDescribed(
            name,
            [...at, "token"],
            "[not shown]",
            `unset: a token in the stack file is stored in plain text; set it with ` +
                `\`pulumi config set --secret ${configKey([key])}\` and remove this field`,
        );
    }
    return value;
}

function parseValue<S extends z.ZodType>(
    ctx: SectionContext,
    name: string,
    schema: S,
    value: unknown,
): z.output<S> | undefined {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    ctx.problems.addZodIssues(name, r.error, value);
    return undefined;
}

/** Secret keys named like a provider's that belong to no provider would be silently ignored. */
function checkProviderKeys(ctx: SectionContext, providers: string[] | undefined): void {
    if (providers === undefined) return;
    const owned = new Map<string, string>();
    for (const p of providers) {
        const keys = (["Address", "Token"] as const).map((f) => providerSecretKey(p, f));
        const other = owned.get(keys[0]);
        if (other !== undefined) {
            ctx.problems.add(
                "notifications",
                ["providers", p],
                p,
                `a name other than \`${other}\`'s: both make the secret keys ${keys.map((k) => `\`${configKey([k])}\``).join(" and ")}`,
            );
        }
        for (const k of keys) owned.set(k, other ?? p);
    }
    for (const name of Object.keys(ctx.raw)) {
        if (!isProviderSecretKey(name) || owned.has(name) || ctx.raw[name] === undefined) continue;
        secretProblem(
            ctx,
            name,
            providers.length === 0
                ? `unset: \`${configKey(["notifications", "providers"])}\` declares no provider`
                : `unset, or a provider of that name: \`${configKey(["notifications", "providers"])}\` declares ${providers.join(", ")}, whose keys are ${[...owned.keys()].join(", ")}`,
        );
    }
}

/** One provider: its address and token from where its type allows them. */
function readProvider(
    ctx: SectionContext,
    name: string,
    p: ProviderEntry,
): ProviderSettings<string> {
    const secretAddress = readSecret(ctx, providerSecretKey(name, "Address"));
    const tokenKey = providerSecretKey(name, "Token");
    const token = readSecret(ctx, tokenKey);
    checkAddress(ctx, name, p, secretAddress);
    checkToken(ctx, p.type, tokenKey, token);
    return {
        name,
        type: p.type,
        ...(p.address !== undefined && { address: p.address }),
        ...(p.channel !== undefined && { channel: p.channel }),
        secretName: p.secretName ?? `${name}-provider`,
        credentials: {
            ...(secretAddress !== undefined && { address: secretAddress.trim() }),
            ...(token !== undefined && { token: token.trim() }),
        },
    };
}

/** The address from where the provider's type allows it, and only from there. */
function checkAddress(
    ctx: SectionContext,
    name: string,
    p: ProviderEntry,
    secretAddress: string | undefined,
): void {
    const rule = PROVIDER_TYPES[p.type];
    const at = ["providers", name];
    const addressKey = providerSecretKey(name, "Address");
    const setWith = (key: string) => `\`pulumi config set --secret ${configKey([key])}\``;
    const plainSet = p.address !== undefined;
    const secretSet = ctx.raw[addressKey] !== undefined;
    if (rule.address === "secret" && plainSet) {
        ctx.problems.addDescribed(
            "notifications",
            [...at, "address"],
            "[not shown]",
            `unset: a ${p.type} provider's address is ${rule.addressIs}, a credential; set it with ${setWith(addressKey)} and remove this field`,
        );
    }
    if (rule.address === "config" && secretSet) {
        secretProblem(
            ctx,
            addressKey,
            `unset: a ${p.type} provider's address is ${rule.addressIs}; set \`${configKey(["notifications", ...at, "address"])}\``,
        );
    }
    if (rule.address === "either" && plainSet && secretSet) {
        secretProblem(
            ctx,
            addressKey,
            `unset while \`${configKey(["notifications", ...at, "address"])}\` is set: one address`,
        );
    }
    if (!plainSet && !secretSet) {
        const where =
            rule.address === "config"
                ? `\`${configKey(["notifications", ...at, "address"])}\``
                : rule.address === "secret"
                  ? setWith(addressKey)
                  : `\`${configKey(["notifications", ...at, "address"])}\` or ${setWith(addressKey)}`;
        ctx.problems.addDescribed(
            "notifications",
            [...at, "address"],
            "(not set)",
            `${rule.addressIs}, required for a ${p.type} provider: set ${where}`,
        );
    }
    if (secretAddress !== undefined && !HTTP_URL.test(secretAddress)) {
        secretProblem(ctx, addressKey, `${rule.addressIs}: an http:// or https:// URL on one line`);
    }
}

function checkToken(
    ctx: SectionContext,
    type: ProviderEntry["type"],
    key: string,
    token: string | undefined,
): void {
    const rule = PROVIDER_TYPES[type];
    const tokenIs = "tokenIs" in rule ? rule.tokenIs : "a token";
    if (rule.token === "none" && ctx.raw[key] !== undefined) {
        secretProblem(ctx, key, `unset: a ${type} provider reads no token`);
    } else if (rule.token === "required" && ctx.raw[key] === undefined) {
        secretProblem(
            ctx,
            key,
            `${tokenIs}, required for a ${type} provider; set it with \`pulumi config set --secret ${configKey([key])}\``,
        );
    } else if (token !== undefined && /[\r\n]/.test(token.trim())) {
        secretProblem(ctx, key, `${tokenIs}, on one line`);
    }
}

/** The stack's alerts, or one per provider; each naming a declared provider. */
function resolveAlerts(
    ctx: SectionContext,
    n: z.output<typeof notificationsSchema>,
    providers: ProviderSettings<string>[],
    layerNames: string[],
): AlertSettings[] {
    // Without `alerts`: one per provider, named after it, every field at its default.
    const entries: Record<string, AlertEntry> =
        n.alerts ??
        Object.fromEntries(providers.map((p) => [p.name, alertSchema.parse({ provider: p.name })]));
    const alerts: AlertSettings[] = [];
    for (const [name, a] of Object.entries(entries)) {
        const provider = providers.find((p) => p.name === a.provider);
        if (provider === undefined) {
            ctx.problems.add(
                "notifications",
                ["alerts", name, "provider"],
                a.provider,
                providers.length === 0
                    ? `a provider declared in \`${configKey(["notifications", "providers"])}\`, which declares none`
                    : `one of the providers in \`${configKey(["notifications", "providers"])}\`: ${providers.map((p) => p.name).join(", ")}`,
            );
            continue;
        }
        alerts.push({
            name,
            provider: a.provider,
            layers: a.layers ?? layerNames,
            // A commit status reports the revisions layers applied; source events have none.
            source: a.source ?? !PROVIDER_TYPES[provider.type].commitStatus,
            eventSeverity: a.eventSeverity,
            ...(a.exclusionList !== undefined && { exclusionList: a.exclusionList }),
        });
    }
    return alerts;
}

/**
 * `receiver` and `receiverToken`: the push webhook, or null when `receiver`
 * is unset (then `receiverToken` must be unset too).
 */
export function parseReceiver(ctx: SectionContext): ParsedReceiver | null | undefined {
    if (ctx.raw.receiver === undefined) {
        if (ctx.raw.receiverToken !== undefined) {
            secretProblem(ctx, "receiverToken", `unset: \`${configKey(["receiver"])}\` is not set`);
            return undefined;
        }
        return null;
    }
    const before = ctx.problems.count;
    const value = withoutTokens(ctx, "receiver", (v) => [
        { at: [], entry: v, key: "receiverToken" },
    ]);
    const r = parseValue(ctx, "receiver", receiverSchema, value);
    warnPlainOnly(ctx, "receiver", "the spec of the Receiver");
    const token = readSecret(ctx, "receiverToken");
    if (ctx.raw.receiverToken === undefined) {
        secretProblem(
            ctx,
            "receiverToken",
            `the webhook's token, required with \`${configKey(["receiver"])}\`; set it with ` +
                `\`pulumi config set --secret ${configKey(["receiverToken"])} -- "$(head -c 24 /dev/urandom | base64)"\``,
        );
    } else if (token !== undefined && /[\r\n]/.test(token.trim())) {
        secretProblem(ctx, "receiverToken", "the webhook's token, on one line");
    }
    if (r === undefined || token === undefined || ctx.problems.count > before) return undefined;
    return {
        name: r.name,
        type: r.type,
        events: r.events ?? [...RECEIVER_TYPES[r.type]],
        layers: r.layers,
        secretName: r.secretName,
        token: token.trim(),
    };
}
