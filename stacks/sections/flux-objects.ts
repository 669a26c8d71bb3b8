/**
 * Flux's own validation, before anything is applied: the Kustomizations and
 * the source (GitRepository or OCIRepository) the program declares are checked against the OpenAPI
 * schemas of the pinned release's CRDs, so that what the API server would
 * reject at `pulumi up` (after Flux is installed) is a config error now, with
 * its key.
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
 * fields they guard.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { buildGitRepositorySpec } from "../../flux/git";
import { buildKustomizationSpec } from "../../flux/layers";
import { buildOciRepositorySpec } from "../../flux/oci";
import { GitAuth, GitSettings } from "../types";
import { Layer } from "../../flux/layers";
import { SectionContext } from "./context";
import { ParsedSource } from "../parsed";

/** stacks/flux-crd-validators.js: generated from stacks/flux-crd-schemas.json (npm run gen:flux-schemas). */
interface Validators {
    release: string;
    byKind: Record<string, ValidateFunction>;
}

const KUSTOMIZATION = "kustomize.toolkit.fluxcd.io/v1/Kustomization";
const GIT_REPOSITORY = "source.toolkit.fluxcd.io/v1/GitRepository";
const OCI_REPOSITORY = "source.toolkit.fluxcd.io/v1/OCIRepository";

/** The validators, compiled to code when the schemas were generated, loaded on first use. */
function validators(): { release: string; check: Record<string, ValidateFunction> } {
    const generated = require("../flux-crd-validators.js") as Validators;
    return { release: generated.release, check: generated.byKind };
}

/** Where a Kustomization spec field comes from in the config. */
function layerKey(
    layer: string,
    source: "git" | "oci",
    at: string[],
): [string, (string | number)[]] {
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
    (at: string[]): [string, (string | number)[]] => {
        const [field, sub] = at;
        if (field === "secretRef") return [source, ["secretName"]];
        if (field === "ref") return [source, ["ref", ...(sub ? [sub] : [])]];
        return [source, field === undefined ? [] : [field]];
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
    keyOf: (at: string[]) => [string, (string | number)[]],
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
    s: { source: ParsedSource; sopsSecretName: string; layers: Layer[] },
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
