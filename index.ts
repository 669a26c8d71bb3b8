import * as pulumi from "@pulumi/pulumi";
import {
    adoptListed,
    FluxInstall,
    FluxLayers,
    FluxNotifications,
    FluxReceiver,
    GitSource,
    OciSource,
    SopsAgeSecret,
} from "./components";
import { skipUnreadPromiseTraces } from "./components/promise-traces";
import { KUSTOMIZE_CONTROLLER } from "./flux/install";
import { prepareInstall } from "./prepare/install";
import { loadStackConfig, neededComponents, StackConfig } from "./stacks";

/**
 * Empty cluster to GitOps, in the order of the original flux-system folder's diagram:
 *
 *   config ─▶ Flux install ─▶ sops-age Secret + Git source ─▶ infrastructure ─▶ databases ─▶ apps
 *
 * and, when the stack sets them, the day-2 objects: alerts (before the layers) and the push webhook.
 * Pulumi owns what the old flux-system folder held; Flux owns what the layer paths hold.
 */
export = async () => {
    skipUnreadPromiseTraces();
    // Config in: every value is validated, all problems reported at once, before anything is declared.
    const config = await loadStackConfig();
    // The install's objects from the pinned manifest; an upgrade that would strand objects in
    // unserved API versions, or alerts without notification-controller, stop here.
    const objects = await prepareInstall(config.flux, neededComponents(config));
    // After `npm run takeover`: the objects it lists are imported, never created (docs/takeover.md).
    // A component's transforms apply to everything under it, the install's objects included.
    const adopt = config.takeover.length > 0 ? [adoptListed(config.takeover)] : [];

    // Controllers and CRDs (gotk-components.yaml); every Flux object below waits for them.
    const flux = new FluxInstall("flux", { ...config.flux, objects }, { transforms: adopt });

    // The age key kustomize-controller decrypts SOPS files with.
    const sopsAge = new SopsAgeSecret(
        "sops-age",
        { namespace: flux.namespace, ...config.sops },
        { dependsOn: [flux], transforms: adopt },
    );

    // The repository Flux syncs from (gotk-sync.yaml): Git, or an OCI artifact repository.
    const source = declareSource(config, flux, adopt);
    const sourceRef = { kind: source.kind, name: source.repositoryName };

    // Where failures go (Providers, Alerts); before the layers, so their first failure is sent.
    const notifications = declareNotifications(config, flux, sourceRef, adopt);

    // infrastructure → databases → apps, each waiting for the layers it depends on.
    const layers = new FluxLayers(
        "layers",
        {
            namespace: flux.namespace,
            layers: config.layers,
            sourceRef,
            decryptionSecretName: sopsAge.secretName,
            // The lockdown's default service account may do nothing; the layers are the platform's own.
            ...(config.flux.options.multitenant === true && {
                serviceAccountName: KUSTOMIZE_CONTROLLER,
            }),
            readinessEnabled: config.readiness.enabled,
        },
        { dependsOn: [flux, sopsAge, source, ...notifications], transforms: adopt },
    );

    // The push webhook: a push deploys at once instead of at the next interval.
    const receiver = declareReceiver(config, flux, sourceRef, adopt);

    return {
        ...outputsOf(flux, source, layers, sopsAge),
        // Only with `receiver`: a secret, since with a generic Receiver the path alone triggers.
        ...(receiver !== undefined && { receiverWebhookPath: receiver.webhookPath }),
    };
};

/** The GitRepository (or OCIRepository) the layers build from, with its Secret. */
function declareSource(
    config: StackConfig,
    flux: FluxInstall,
    adopt: pulumi.ResourceTransform[],
): GitSource | OciSource {
    const args = { namespace: flux.namespace, readiness: config.readiness };
    const opts = { dependsOn: [flux], transforms: adopt };
    return config.source.kind === "oci"
        ? new OciSource("oci", { ...args, ...config.source.oci }, opts)
        : new GitSource("git", { ...args, ...config.source.git }, opts);
}

/** The Receiver, when the stack sets `receiver`. */
function declareReceiver(
    config: StackConfig,
    flux: FluxInstall,
    source: { kind: string; name: string },
    adopt: pulumi.ResourceTransform[],
): FluxReceiver | undefined {
    if (config.receiver === null) return undefined;
    const args = {
        ...config.receiver,
        namespace: flux.namespace,
        source,
        readiness: config.readiness,
    };
    return new FluxReceiver("receiver", args, { dependsOn: [flux], transforms: adopt });
}

/** The Providers and Alerts, when the stack declares any (none: nothing is declared). */
function declareNotifications(
    config: StackConfig,
    flux: FluxInstall,
    source: { kind: string; name: string },
    adopt: pulumi.ResourceTransform[],
): FluxNotifications[] {
    if (config.notifications.providers.length === 0) return [];
    const args = { namespace: flux.namespace, ...config.notifications, source };
    return [new FluxNotifications("notifications", args, { dependsOn: [flux], transforms: adopt })];
}

/** The stack's outputs: names for `kubectl`, the recipients for `.sops.yaml`, what Flux reports. */
function outputsOf(
    flux: FluxInstall,
    source: GitSource | OciSource,
    layers: FluxLayers,
    sopsAge: SopsAgeSecret,
) {
    return {
        fluxNamespace: flux.namespace,
        fluxVersion: flux.version,
        // The layers' source, under the key of its kind.
        ...(source.kind === "GitRepository"
            ? { gitRepository: source.repositoryName }
            : { ociRepository: source.repositoryName }),
        layers: layers.names,
        /** Public keys for `.sops.yaml` (`creation_rules[].age`). */
        ageRecipients: sopsAge.recipients,
        // As `pulumi up` last read them (after waiting for Ready); `pulumi refresh` reads them again.
        /** Per layer: the Ready condition's status and `lastAppliedRevision`. */
        layerStatus: layers.status,
        /** The source's `status.artifact.revision`: what the layers build from. */
        sourceRevision: source.revision,
    };
}
