import { z } from "zod";
import {
    EVENT_SEVERITIES,
    PROVIDER_TYPE_NAMES,
    PROVIDER_TYPES,
    RECEIVER_TYPE_NAMES,
    RECEIVER_TYPES,
} from "../flux/notifications";
import { dnsLabel, dnsSubdomain, EXPECT, field, obj } from "./schema";

/** What each notification field must look like; these texts end up in error messages. */
const NOTIFY_EXPECT = {
    providerType: `one of ${PROVIDER_TYPE_NAMES.join(", ")}`,
    address:
        "an http:// or https:// URL without credentials, query or fragment (at most 2048 characters)",
    channel: "a channel name of 1 to 2048 characters",
    providers: "a map of provider name (a DNS-1123 label) to {type, address, channel, secretName}",
    alerts: "a map of alert name (a DNS-1123 subdomain) to {provider, layers, source, eventSeverity, exclusionList}",
    eventSeverity: `one of ${EVENT_SEVERITIES.join(", ")}`,
    exclusionList: "a list of regular expressions of event messages not to send",
    receiverType: `one of ${RECEIVER_TYPE_NAMES.join(", ")}`,
    events: "a list of event type names such as push",
} as const;

const typeList = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(", ");

/** Which provider types take their address from where, for the reference. */
const addressDoc = PROVIDER_TYPE_NAMES.filter((t) => PROVIDER_TYPES[t].address !== "secret");

const regex = z.string({ error: NOTIFY_EXPECT.exclusionList }).refine(
    (r) => {
        try {
            new RegExp(r);
            return true;
        } catch {
            return false;
        }
    },
    { error: NOTIFY_EXPECT.exclusionList },
);

/** `notifications.providers.<name>`: where events go. */
const providerSchema = obj({
    type: field(z.enum(PROVIDER_TYPE_NAMES, { error: NOTIFY_EXPECT.providerType }), {
        type: typeList(PROVIDER_TYPE_NAMES),
        description:
            "Flux's provider type. `github` and `gitlab` set a commit status on the revision each layer applied.",
        example: "`slack`",
    }),
    address: field(
        z
            .string({ error: NOTIFY_EXPECT.address })
            .max(2048, { error: NOTIFY_EXPECT.address })
            .regex(/^https?:\/\/[^\s@?#]+$/, { error: NOTIFY_EXPECT.address })
            .optional(),
        {
            type: "`http://` or `https://` URL",
            default: `required for ${typeList(["github", "gitlab"])}; for ${typeList(["generic", "generic-hmac"])} this or \`notifications<Provider>Address\``,
            description: `The address when it is no credential: the repository of ${typeList(addressDoc.filter((t) => PROVIDER_TYPES[t].commitStatus))}, the endpoint of ${typeList(["generic", "generic-hmac"])}. Refused for ${typeList(PROVIDER_TYPE_NAMES.filter((t) => PROVIDER_TYPES[t].address === "secret"))}, whose webhook URL is a credential: set \`notifications<Provider>Address\` with \`--secret\`.`,
            example: "`https://github.com/acme-platform/cluster-gitops`",
        },
    ),
    channel: field(
        z
            .string({ error: NOTIFY_EXPECT.channel })
            .min(1, { error: NOTIFY_EXPECT.channel })
            .max(2048, { error: NOTIFY_EXPECT.channel })
            .optional(),
        {
            type: "string",
            description:
                "Channel the events are posted to (Slack and others; unused by commit statuses).",
            example: "`platform-alerts`",
        },
    ),
    secretName: field(dnsSubdomain.optional(), {
        type: "DNS-1123 subdomain, not the name of another Secret the stack declares",
        default: "`<name>-provider`",
        description:
            "Name of the Secret holding the provider's `address` and `token` (declared when one of the secret keys is set).",
        example: "`slack-webhook`",
    }),
});

/** `notifications.alerts.<name>`: which events go to which provider. */
export const alertSchema = obj({
    provider: field(dnsLabel, {
        type: "a name in `notifications.providers`",
        description: "The provider the events go to.",
        example: "`slack`",
    }),
    layers: field(z.array(dnsLabel, { error: EXPECT.stringList }).optional(), {
        type: "list of layer names",
        default: "every enabled layer",
        description: "Layers whose events are sent. Unknown or disabled names are errors.",
        example: "`[databases, apps]`",
    }),
    source: field(z.boolean({ error: EXPECT.boolean }).optional(), {
        type: "boolean",
        default: "`true`; `false` for a `github` or `gitlab` provider",
        description:
            "Also send the events of the layers' source (the GitRepository or OCIRepository): fetch failures.",
    }),
    eventSeverity: field(
        z.enum(EVENT_SEVERITIES, { error: NOTIFY_EXPECT.eventSeverity }).default("error"),
        {
            type: typeList(EVENT_SEVERITIES),
            description: "`error` sends failures only; `info` every event, successes included.",
            example: "`info`",
        },
    ),
    exclusionList: field(z.array(regex, { error: NOTIFY_EXPECT.exclusionList }).optional(), {
        type: "list of regular expressions",
        description: "Events whose message matches one of them are not sent.",
        example: '`["waiting for dependencies"]`',
    }),
});

/** `notifications`: Flux Providers and Alerts in the Flux namespace. */
export const notificationsSchema = obj({
    providers: field(
        z.record(dnsLabel, providerSchema, { error: NOTIFY_EXPECT.providers }).default({}),
        {
            entry: "<name>",
            type: "`{type, address, channel, secretName}`",
            default: "`{}`",
            description:
                "Providers by name (a DNS-1123 label: the Provider's name). Each one's credentials come from `notifications<Provider>Address` and `notifications<Provider>Token` (the name in PascalCase), set with `--secret`; a `token` or secret address in this key is refused and never shown. Needs `notification-controller` in `flux.components`.",
            example:
                "`{slack: {type: slack, channel: platform-alerts}, github-status: {type: github, address: https://github.com/acme-platform/cluster-gitops}}`",
        },
    ),
    alerts: field(z.record(dnsSubdomain, alertSchema, { error: NOTIFY_EXPECT.alerts }).optional(), {
        entry: "<name>",
        type: "`{provider, layers, source, eventSeverity, exclusionList}`",
        default: "one Alert per provider, named after it, with the defaults below",
        description:
            "Alerts by name (the Alert's name), each sending the events of the layers it lists, and of the source, to one provider.",
        example: "`{failures: {provider: slack, layers: [databases, apps]}}`",
    }),
});

/** `receiver`: the push webhook that makes Flux fetch the source at once. */
export const receiverSchema = obj({
    type: field(z.enum(RECEIVER_TYPE_NAMES, { error: NOTIFY_EXPECT.receiverType }), {
        type: typeList(RECEIVER_TYPE_NAMES),
        default: "required when `receiver` is set",
        description:
            "The Git host's webhook format; the token comes from `receiverToken` (`--secret`). Needs `notification-controller` in `flux.components`.",
        example: "`github`",
    }),
    name: field(dnsSubdomain.default("flux-system"), {
        description: "Name of the Receiver; part of the webhook path.",
        example: "`gitops-push`",
    }),
    events: field(
        z
            .array(
                z.string({ error: NOTIFY_EXPECT.events }).min(1, { error: NOTIFY_EXPECT.events }),
                {
                    error: NOTIFY_EXPECT.events,
                },
            )
            .optional(),
        {
            type: "list of strings",
            default: RECEIVER_TYPE_NAMES.filter((t) => RECEIVER_TYPES[t].length > 0)
                .map((t) => `\`${t}\`: \`[${RECEIVER_TYPES[t].join(", ")}]\``)
                .join("; "),
            description:
                "Event types that trigger (GitHub's `X-GitHub-Event`, GitLab's `X-Gitlab-Event`, Bitbucket's `X-Event-Key`); none for `generic` types.",
            example: "`[push]`",
        },
    ),
    layers: field(z.array(dnsLabel, { error: EXPECT.stringList }).default([]), {
        type: "list of layer names",
        description:
            "Layers reconciled at once too, after the source (otherwise they follow the new revision when the source reports it).",
        example: "`[apps]`",
    }),
    secretName: field(dnsSubdomain.default("webhook-token"), {
        type: "DNS-1123 subdomain, not the name of another Secret the stack declares",
        description: "Name of the Secret holding `receiverToken` as `token`.",
        example: "`receiver-token`",
    }),
});
