import { ParsedConfig } from "../parsed";
import { configKey } from "../problems";
import { durationSeconds } from "../../flux/duration";
import { Layer } from "../../flux/layers";
import {
    ALERT_API_VERSION,
    NOTIFICATION_CONTROLLER,
    PROVIDER_API_VERSION,
    RECEIVER_API_VERSION,
} from "../../flux/notifications";
import { ReadinessSettings } from "../../flux/readiness";
import { SectionContext } from "./context";

/** Longer than this, a `pulumi up` waiting for something that never gets Ready looks hung. */
const LONGEST_SENSIBLE_WAIT_SECONDS = 6 * 3600;

/** What only shows when sections are put together; each section is valid on its own here. */
export function checkAcrossSections(ctx: SectionContext, s: ParsedConfig): void {
    checkSecretNames(ctx, s);
    checkNotificationController(ctx, s);
    checkNotifiedLayers(ctx, s);
    const orphans = s.layers
        .filter((l) => l.deletionPolicy === "Orphan")
        .map((l) => `\`${l.name}\``);
    if (!s.flux.keepOnDestroy && orphans.length > 0) {
        ctx.problems.add(
            "flux",
            ["keepOnDestroy"],
            false,
            `true while ${orphans.join(", ")} keep their objects on destroy (deletionPolicy Orphan): ` +
                "uninstalling Flux deletes its CRDs and with them those layers' HelmReleases, which " +
                "helm-controller then uninstalls; to delete them on destroy, set their deletionPolicy",
        );
    }
    if (s.readiness.enabled) warnLongWaits(ctx, s.readiness, s.layers);
}

/**
 * The Secrets the program declares in the Flux namespace, each with the key
 * that names it: two with one name would overwrite each other. The sops
 * Secret is always declared; the source's only with credentials or a CA
 * bundle; the image pull Secret only with `flux.imagePullSecret`.
 */
function checkSecretNames(
    ctx: SectionContext,
    s: Pick<ParsedConfig, "flux" | "source" | "sops" | "notifications" | "receiver">,
): void {
    const named: { key: string[]; name: string }[] = [
        { key: ["sops", "secretName"], name: s.sops.secretName },
    ];
    const { source } = s;
    if (
        source.kind === "git" &&
        (source.git.auth !== "none" || source.git.caBundle !== undefined)
    ) {
        named.push({ key: ["git", "secretName"], name: source.git.secretName });
    }
    if (source.kind === "oci" && source.oci.dockerConfigJson !== undefined) {
        named.push({ key: ["oci", "secretName"], name: source.oci.secretName });
    }
    if (s.flux.pullSecret !== undefined) {
        named.push({ key: ["flux", "imagePullSecret"], name: s.flux.pullSecret.name });
    }
    named.push(...notificationSecrets(s));
    for (const [i, later] of named.entries()) {
        const earlier = named.slice(0, i).find((e) => e.name === later.name);
        if (earlier === undefined) continue;
        ctx.problems.add(
            later.key[0],
            later.key.slice(1),
            later.name,
            `a name other than \`${configKey(earlier.key)}\`: both Secrets live in ` +
                `${s.flux.namespace}, and one would overwrite the other`,
        );
    }
}

/** The Secrets of the providers that have credentials, and of the receiver. */
function notificationSecrets(
    s: Pick<ParsedConfig, "notifications" | "receiver">,
): { key: string[]; name: string }[] {
    const named: { key: string[]; name: string }[] = s.notifications.providers
        .filter((p) => p.credentials.address !== undefined || p.credentials.token !== undefined)
        .map((p) => ({
            key: ["notifications", "providers", p.name, "secretName"],
            name: p.secretName,
        }));
    if (s.receiver !== null) {
        named.push({ key: ["receiver", "secretName"], name: s.receiver.secretName });
    }
    return named;
}

/**
 * Provider, Alert and Receiver are served by notification-controller: with
 * `flux.components` leaving it out, their CRDs are not installed and `pulumi up`
 * would fail on the first of them.
 */
function checkNotificationController(ctx: SectionContext, s: ParsedConfig): void {
    const components = s.flux.options.components;
    if (components === undefined || components.includes(NOTIFICATION_CONTROLLER)) return;
    for (const { key } of neededComponents(s)) {
        ctx.problems.addDescribed(
            key,
            [],
            "(set)",
            `unset, or \`${NOTIFICATION_CONTROLLER}\` in \`${configKey(["flux", "components"])}\` ` +
                `(now [${components.join(", ")}]): it serves Provider, Alert and Receiver, whose CRDs ` +
                "come with it",
        );
    }
}

/** A controller the stack's objects need installed, with the config key that declares them. */
export interface NeededComponent {
    component: string;
    key: string;
    /** The objects the key declares, in the API versions the program writes: the install's CRDs must serve them. */
    writes: { apiVersion: string; kind: string }[];
}

/** The controllers the stack's objects beyond the layers need: notification-controller for alerts and the webhook. */
export function neededComponents(s: {
    notifications: { providers: readonly unknown[]; alerts: readonly unknown[] };
    receiver: object | null;
}): NeededComponent[] {
    const needed: NeededComponent[] = [];
    if (s.notifications.providers.length > 0) {
        const writes = [{ apiVersion: PROVIDER_API_VERSION, kind: "Provider" }];
        if (s.notifications.alerts.length > 0) {
            writes.push({ apiVersion: ALERT_API_VERSION, kind: "Alert" });
        }
        needed.push({ component: NOTIFICATION_CONTROLLER, key: "notifications", writes });
    }
    if (s.receiver !== null) {
        needed.push({
            component: NOTIFICATION_CONTROLLER,
            key: "receiver",
            writes: [{ apiVersion: RECEIVER_API_VERSION, kind: "Receiver" }],
        });
    }
    return needed;
}

/** The layers alerts and the receiver name must be enabled layers of the stack. */
function checkNotifiedLayers(ctx: SectionContext, s: ParsedConfig): void {
    const enabled = s.layers.map((l) => l.name);
    const expected = `an enabled layer: one of ${enabled.join(", ")}`;
    for (const a of s.notifications.alerts) {
        for (const [i, l] of a.layers.entries()) {
            if (!enabled.includes(l)) {
                ctx.problems.add("notifications", ["alerts", a.name, "layers", i], l, expected);
            }
        }
    }
    for (const [i, l] of (s.receiver?.layers ?? []).entries()) {
        if (!enabled.includes(l)) ctx.problems.add("receiver", ["layers", i], l, expected);
    }
}

function warnLongWaits(ctx: SectionContext, readiness: ReadinessSettings, layers: Layer[]): void {
    const tooLong = (d: string) => durationSeconds(d) > LONGEST_SENSIBLE_WAIT_SECONDS;
    const reason =
        "`pulumi up` waits that long for an object that never becomes Ready before it reports Flux's " +
        "condition; the layers' own timeout and retryInterval are what make Flux try again";
    if (tooLong(readiness.timeout))
        ctx.problems.warn("readiness", ["timeout"], readiness.timeout, reason);
    for (const l of layers) {
        if (
            l.readinessTimeout !== undefined &&
            l.readinessTimeout !== readiness.timeout &&
            tooLong(l.readinessTimeout)
        ) {
            ctx.problems.warn("layers", [l.name, "readinessTimeout"], l.readinessTimeout, reason);
        }
    }
}
