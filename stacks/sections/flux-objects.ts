/**
 * Flux's own validation, before anything is applied: the Kustomizations, the
 * source (GitRepository or OCIRepository), and the Providers, Alerts and
 * Receiver the program declares are checked against the OpenAPI schemas of the
 * pinned release's CRDs, so that what the API server would reject at
 * `pulumi up` (after Flux is installed) is a config error now, with its key.
 *
 * The schemas are a vendored file, stacks/flux-crd-schemas.json, derived by
 * tests/toolchain/gen-flux-crd-schemas.ts from the CRDs in the controllers' Go
 * modules at the versions tests/toolchain/versions.env pins (the toolchain build
 * extracts them). Chosen over @kubernetes-models/flux-cd, which is generated from
 * Go API types of its own Flux version, ESM-only and for Node 22: the derived
 * file is exactly the pinned release, small enough to review, and needs neither
 * network nor toolchain when the program or its unit tests run. A release bump
 * regenerates it, and with it stacks/flux-crd-validators.js: ajv's validators
 * compiled to code once, so no run compiles a schema. The CRDs' CEL rules
 * (x-kubernetes-validations) are not checked, since the program sets none of the
 * fields they guard. The notification kinds' schemas are notification-controller
 * v1.6.0's, the version the Go module proxy serves; the generator says why that
 * holds for what the program writes.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { buildGitRepositorySpec } from "../../flux/git";
import { buildKustomizationSpec } from "../../flux/layers";
import {
    ALERT_API_VERSION,
    AlertSettings,
    buildAlertSpec,
    buildProviderSpec,
    buildReceiverSpec,
    ObjectRef,
    PROVIDER_API_VERSION,
    ProviderSettings,
    RECEIVER_API_VERSION,
    ReceiverSettings,
} from "../../flux/notifications";
import { buildOciRepositorySpec } from "../../flux/oci";
import { GitAuth, GitSettings } from "../types";
import { Layer } from "../../flux/layers";
import { SectionContext } from "./context";
import { ParsedSource } from "../parsed";
import { ParsedNotifications, ParsedReceiver } from "./notifications";

/** stacks/flux-crd-validators.js: generated from stacks/flux-crd-schemas.json (npm run gen:flux-schemas). */
interface Validators {
    release: string;
    byKind: Record<string, ValidateFunction>;
}

const KUSTOMIZATION = "kustomize.toolkit.fluxcd.io/v1/Kustomization";
const GIT_REPOSITORY = "source.toolkit.fluxcd.io/v1/GitRepository";
const OCI_REPOSITORY = "source.toolkit.fluxcd.io/v1/OCIRepository";
// In the versions the components write: the schema checked is the one the API server applies.
const PROVIDER = `${PROVIDER_API_VERSION}/Provider`;
const ALERT = `${ALERT_API_VERSION}/Alert`;
const RECEIVER = `${RECEIVER_API_VERSION}/Receiver`;

/** The validators, compiled to code when the schemas were generated, loaded on first use. */
function validators(): { release: string; check: Record<string, ValidateFunction> } {
    const generated = require("../flux-crd-validators.js") as Validators;
    return { release: generated.release, check: generated.byKind };
}

/** A config key and the path in it. */
type ConfigAt = [string, (string | number)[]];

/** Where a Kustomization spec field comes from in the config. */
function layerKey(layer: string, source: "git" | "oci", at: string[]): ConfigAt {
    const [field, i, sub] = at;
    switch (field) {
        case "dependsOn":
            return ["layers", [layer, "dependsOn", ...(i === undefined ? [] : [Number(i)])]];
        case "healthChecks":
            return [
                "layers",
                [
                    layer,
                    "healthChecks",
                    ...(i === undefined ? [] : [Number(i)]),
                    ...(sub ? [sub] : []),
                ],
            ];
        case "postBuild":
            return ["layers", [layer, "substitute", ...at.slice(2)]];
        case "decryption":
            return ["sops", ["secretName"]];
        case "sourceRef":
            return [source, ["repositoryName"]];
        case undefined:
            return ["layers", [layer]];
        default:
            return ["layers", [layer, field]];
    }
}

/** Where a GitRepository or OCIRepository spec field comes from in the config. */
const sourceKey =
    (source: "git" | "oci") =>
    (at: string[]): ConfigAt => {
        const [field, sub] = at;
        if (field === "secretRef") return [source, ["secretName"]];
        if (field === "ref") return [source, ["ref", ...(sub ? [sub] : [])]];
        return [source, field === undefined ? [] : [field]];
    };

/** Where a Provider spec field comes from: `notifications.providers.<name>.<field>`. */
const providerKey =
    (name: string) =>
    (at: string[]): ConfigAt => {
        const [field] = at;
        const p = ["providers", name];
        if (field === "secretRef") return ["notifications", [...p, "secretName"]];
        return ["notifications", field === undefined ? p : [...p, field]];
    };

/** The layers' source, whose `repositoryName` names the source in eventSources and resources. */
const sourceNameKey = (source: "git" | "oci"): ConfigAt => [source, ["repositoryName"]];

/** Where an Alert spec field comes from: `notifications.alerts.<name>.<field>`. */
const alertKey =
    (a: AlertSettings, source: "git" | "oci") =>
    (at: string[]): ConfigAt => {
        const [field, i] = at;
        const p = ["alerts", a.name];
        switch (field) {
            case "providerRef":
                return ["notifications", [...p, "provider"]];
            case "eventSources":
                // buildAlertSpec lists the layers first, then the source.
                if (i === undefined) return ["notifications", [...p, "layers"]];
                if (Number(i) >= a.layers.length) return sourceNameKey(source);
                return ["notifications", [...p, "layers", Number(i)]];
            case "exclusionList":
                return [
                    "notifications",
                    [...p, "exclusionList", ...(i === undefined ? [] : [Number(i)])],
                ];
            case undefined:
                return ["notifications", p];
            default:
                return ["notifications", [...p, field]];
        }
    };

/** Where a Receiver spec field comes from: `receiver.<field>`. */
const receiverKey =
    (source: "git" | "oci") =>
    (at: string[]): ConfigAt => {
        const [field, i] = at;
        switch (field) {
            case "secretRef":
                return ["receiver", ["secretName"]];
            case "resources":
                // buildReceiverSpec lists the source first, then the layers.
                if (i === undefined) return ["receiver", ["layers"]];
                if (Number(i) === 0) return sourceNameKey(source);
                return ["receiver", ["layers", Number(i) - 1]];
            case "events":
                return ["receiver", ["events", ...(i === undefined ? [] : [Number(i)])]];
            case undefined:
                return ["receiver", []];
            default:
                return ["receiver", [field]];
        }
    };

function valueAt(root: unknown, at: string[]): unknown {
    return at.reduce<unknown>(
        (v, s) =>
            typeof v === "object" && v !== null ? (v as Record<string, unknown>)[s] : undefined,
        root,
    );
}

function report(
    ctx: SectionContext,
    kind: string,
    errors: ErrorObject[],
    spec: unknown,
    keyOf: (at: string[]) => ConfigAt,
): void {
    const { release } = validators();
    for (const e of errors) {
        const at = e.instancePath
            .split("/")
            .slice(1)
            .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
        const [name, p] = keyOf(at);
        const shortKind = kind.split("/").pop();
        ctx.problems.add(
            name,
            p,
            valueAt(spec, at),
            `a value Flux ${release} accepts: its ${shortKind} CRD says ${e.instancePath || "spec"} ${e.message ?? "is invalid"}`,
        );
    }
}

/** Builds each object's spec as the components do and checks it against the CRD schema. */
export function checkFluxObjects(
    ctx: SectionContext,
    s: {
        source: ParsedSource;
        sopsSecretName: string;
        layers: Layer[];
        notifications: ParsedNotifications;
        receiver: ParsedReceiver | null;
    },
): void {
    const { check } = validators();
    const sourceRef = checkSource(ctx, s.source);
    for (const layer of s.layers) {
        const spec = buildKustomizationSpec(layer, {
            sourceRef,
            decryptionSecretName: s.sopsSecretName,
        });
        if (!check[KUSTOMIZATION](spec)) {
            report(ctx, KUSTOMIZATION, check[KUSTOMIZATION].errors ?? [], spec, (at) =>
                layerKey(layer.name, s.source.kind, at),
            );
        }
    }
    checkNotifications(ctx, s, sourceRef, s.source.kind);
}

/** Checks the GitRepository's or OCIRepository's spec; returns the layers' `sourceRef` to it. */
function checkSource(
    ctx: SectionContext,
    source: ParsedSource,
): { kind: "GitRepository" | "OCIRepository"; name: string } {
    const { check } = validators();
    if (source.kind === "oci") {
        const oci = source.oci;
        // The pull Secret's content plays no part in the spec, only whether there is one.
        const spec = buildOciRepositorySpec({ ...oci, dockerConfigJson: undefined });
        if (oci.dockerConfigJson !== undefined) spec.secretRef = { name: oci.secretName };
        if (!check[OCI_REPOSITORY](spec)) {
            report(ctx, OCI_REPOSITORY, check[OCI_REPOSITORY].errors ?? [], spec, sourceKey("oci"));
        }
        return { kind: "OCIRepository", name: oci.repositoryName };
    }
    const git = source.git;
    const gitSettings: GitSettings = {
        ...git,
        auth: { kind: git.auth } as GitAuth,
        caBundle: undefined,
    };
    const gitSpec = buildGitRepositorySpec(gitSettings);
    if (git.caBundle !== undefined) gitSpec.secretRef = { name: git.secretName };
    if (!check[GIT_REPOSITORY](gitSpec)) {
        report(ctx, GIT_REPOSITORY, check[GIT_REPOSITORY].errors ?? [], gitSpec, sourceKey("git"));
    }
    return { kind: "GitRepository", name: git.repositoryName };
}

/** A secret value's stand-in: the specs only say whether there is one, never what it is. */
const SET = "(set)";

/** Checks each Provider, Alert and the Receiver as the components build them. */
function checkNotifications(
    ctx: SectionContext,
    {
        notifications,
        receiver,
    }: { notifications: ParsedNotifications; receiver: ParsedReceiver | null },
    sourceRef: ObjectRef,
    source: "git" | "oci",
): void {
    const { check } = validators();
    const validate = (
        kind: string,
        spec: Record<string, unknown>,
        keyOf: (at: string[]) => ConfigAt,
    ) => {
        if (!check[kind](spec)) report(ctx, kind, check[kind].errors ?? [], spec, keyOf);
    };
    for (const p of notifications.providers) {
        const settings: ProviderSettings<string> = {
            ...p,
            credentials: {
                ...(p.credentials.address !== undefined && { address: SET }),
                ...(p.credentials.token !== undefined && { token: SET }),
            },
        };
        validate(PROVIDER, buildProviderSpec(settings), providerKey(p.name));
    }
    for (const a of notifications.alerts) {
        validate(ALERT, buildAlertSpec(a, sourceRef), alertKey(a, source));
    }
    if (receiver !== null) {
        const settings: ReceiverSettings<string> = { ...receiver, token: SET };
        validate(RECEIVER, buildReceiverSpec(settings, sourceRef), receiverKey(source));
    }
}
