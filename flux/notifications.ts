/**
 * Flux's notification objects (notification.toolkit.fluxcd.io) the stack can
 * declare: Providers (where events go), Alerts (which events go there) and a
 * Receiver (a webhook that makes Flux fetch at once). Plain data, no Pulumi.
 */

/** The controller that serves Provider, Alert and Receiver. */
export const NOTIFICATION_CONTROLLER = "notification-controller";

/**
 * The API versions Flux 2.7 to 2.9 store the objects in (their CRDs serve
 * v1beta2 too, deprecated): Provider and Alert v1beta3, Receiver v1.
 */
export const PROVIDER_API_VERSION = "notification.toolkit.fluxcd.io/v1beta3";
export const ALERT_API_VERSION = "notification.toolkit.fluxcd.io/v1beta3";
export const RECEIVER_API_VERSION = "notification.toolkit.fluxcd.io/v1";

/** Where a provider's address comes from: a secret key only, the plain config only, or either. */
type AddressFrom = "secret" | "config" | "either";

/** What a provider type needs, as notification-controller reads it. */
interface ProviderTypeRule {
    /**
     * `secret`: the address is a credential (an incoming-webhook URL) and comes
     * only from a secret key; `config`: a plain URL (a repository) in the config;
     * `either`: one of the two.
     */
    address: AddressFrom;
    /** The Secret's `token`: needed, allowed, or not read by this type. */
    token: "required" | "optional" | "none";
    /** A Git commit status provider: it reports Kustomization revisions, not source events. */
    commitStatus: boolean;
    /** What the address is, for messages and docs. */
    addressIs: string;
    /** What the token is, for messages and docs. */
    tokenIs?: string;
}

/** The provider types the stack declares, each with what it needs. */
export const PROVIDER_TYPES = {
    slack: {
        address: "secret",
        token: "optional",
        commitStatus: false,
        addressIs:
            "the incoming webhook URL (or https://slack.com/api/chat.postMessage with a token)",
        tokenIs: "a bot token, with `channel`",
    },
    discord: {
        address: "secret",
        token: "none",
        commitStatus: false,
        addressIs: "the channel's webhook URL",
    },
    msteams: {
        address: "secret",
        token: "none",
        commitStatus: false,
        addressIs: "the Workflows (or incoming webhook) URL",
    },
    github: {
        address: "config",
        token: "required",
        commitStatus: true,
        addressIs: "the repository's URL, such as https://github.com/org/repo",
        tokenIs: "a token that may write commit statuses",
    },
    gitlab: {
        address: "config",
        token: "required",
        commitStatus: true,
        addressIs: "the project's URL, such as https://gitlab.com/group/project",
        tokenIs: "a token with the api scope",
    },
    generic: {
        address: "either",
        token: "none",
        commitStatus: false,
        addressIs: "the URL events are POSTed to",
    },
    "generic-hmac": {
        address: "either",
        token: "required",
        commitStatus: false,
        addressIs: "the URL events are POSTed to",
        tokenIs: "the HMAC key the payload is signed with (X-Signature header)",
    },
} as const satisfies Record<string, ProviderTypeRule>;
type ProviderType = keyof typeof PROVIDER_TYPES;
export const PROVIDER_TYPE_NAMES = Object.keys(PROVIDER_TYPES) as ProviderType[];

/** The keys of a provider's or receiver's Secret, as notification-controller reads them. */
export const NOTIFICATION_SECRET_KEYS = { address: "address", token: "token" } as const;

/** One Provider; `S` is how a secret value is held (plain text, or a Pulumi secret). */
export interface ProviderSettings<S> {
    /** The Provider's name, which Alerts refer to. */
    name: string;
    type: ProviderType;
    /** A plain address (a repository URL, a generic endpoint), in `spec.address`. */
    address?: string;
    /** Channel (Slack, …) the events are posted to. */
    channel?: string;
    /** The Secret holding `address` and `token`; declared when one of them is set. */
    secretName: string;
    /** The secret address and token, from `pulumi config set --secret` keys. */
    credentials: { address?: S; token?: S };
}

/** The Provider's Secret's data (plain strings or secrets), undefined when it has none. */
export function providerSecretData<S>(p: ProviderSettings<S>): Record<string, S> | undefined {
    const { address, token } = p.credentials;
    if (address === undefined && token === undefined) return undefined;
    return {
        ...(address !== undefined && { [NOTIFICATION_SECRET_KEYS.address]: address }),
        ...(token !== undefined && { [NOTIFICATION_SECRET_KEYS.token]: token }),
    };
}

/** A Provider's spec: type, the plain address and channel, and its Secret when it has one. */
export function buildProviderSpec(p: ProviderSettings<unknown>): Record<string, unknown> {
    return {
        type: p.type,
        ...(p.address !== undefined && { address: p.address }),
        ...(p.channel !== undefined && { channel: p.channel }),
        ...(providerSecretData(p) !== undefined && { secretRef: { name: p.secretName } }),
    };
}

/** Values of an Alert's `spec.eventSeverity`. */
export const EVENT_SEVERITIES = ["info", "error"] as const;

/** A Flux object an Alert listens to or a Receiver triggers. */
export interface ObjectRef {
    kind: string;
    name: string;
}

/** One Alert: which events of which objects go to which Provider. */
export interface AlertSettings {
    /** The Alert's name. */
    name: string;
    /** The Provider's name. */
    provider: string;
    /** The layers (Kustomization names) whose events go out. */
    layers: string[];
    /** Whether the source's (GitRepository or OCIRepository) events go out too. */
    source: boolean;
    /** `error`: failures only; `info`: every event. */
    eventSeverity: (typeof EVENT_SEVERITIES)[number];
    /** Regular expressions of event messages that are not sent. */
    exclusionList?: string[];
}

/** An Alert's spec: its provider, severity and event sources, the layers before the source. */
export function buildAlertSpec(a: AlertSettings, source: ObjectRef): Record<string, unknown> {
    return {
        providerRef: { name: a.provider },
        eventSeverity: a.eventSeverity,
        eventSources: [
            ...a.layers.map((name) => ({ kind: "Kustomization", name })),
            ...(a.source ? [{ kind: source.kind, name: source.name }] : []),
        ],
        ...(a.exclusionList !== undefined &&
            a.exclusionList.length > 0 && { exclusionList: a.exclusionList }),
    };
}

/** The Receiver types the stack declares, with the events each is sent by default. */
export const RECEIVER_TYPES = {
    github: ["ping", "push"],
    gitlab: ["Push Hook", "Tag Push Hook"],
    bitbucket: ["repo:push"],
    generic: [],
    "generic-hmac": [],
} as const satisfies Record<string, readonly string[]>;
type ReceiverType = keyof typeof RECEIVER_TYPES;
export const RECEIVER_TYPE_NAMES = Object.keys(RECEIVER_TYPES) as ReceiverType[];

/** The push webhook; `S` as in ProviderSettings. */
export interface ReceiverSettings<S> {
    /** The Receiver's name; with the namespace and token it makes the webhook path. */
    name: string;
    type: ReceiverType;
    /** Event types (the Git host's header) that trigger; empty for generic types. */
    events: string[];
    /** Layers (Kustomization names) triggered with the source. */
    layers: string[];
    /** The Secret holding `token`. */
    secretName: string;
    /** The token the Git host signs (or sends) with. */
    token: S;
}

/** A Receiver's spec: the source first, then the layers it triggers. */
export function buildReceiverSpec(
    r: ReceiverSettings<unknown>,
    source: ObjectRef,
): Record<string, unknown> {
    return {
        type: r.type,
        ...(r.events.length > 0 && { events: r.events }),
        resources: [
            { kind: source.kind, name: source.name },
            ...r.layers.map((name) => ({ kind: "Kustomization", name })),
        ],
        secretRef: { name: r.secretName },
    };
}
