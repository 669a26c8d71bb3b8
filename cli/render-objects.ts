import { stringify } from "yaml";
import { isSecretMarked, ProgramRun, Registered } from "./evaluate";

/** What replaces every secret value in rendered output. */
export const REDACTED = "<redacted>";

/** The index of a rendered folder; its first line marks the folder as a render. */
export const KUSTOMIZATION_FILE = "kustomization.yaml";
export const RENDER_HEADER =
    "# Rendered by `npm run render`: the objects Pulumi applies, secret values redacted.";
/**
 * The Flux install, described rather than inlined (as the original flux-system folder's
 * gotk-components.yaml holds it).
 */
const FLUX_INSTALL_FILE = "gotk-components.yaml";

export interface RenderedFile {
    name: string;
    content: string;
}

/** The component whose children are the Flux install's objects (not rendered one by one). */
const FLUX_INSTALL_TYPE = "flux-gitops:index:FluxInstall";

/**
 * The order a reader meets the objects in, as in the original flux-system folder: source,
 * Secrets, then the layers.
 */
const KIND_RANK: Record<string, number> = {
    GitRepository: 0,
    OCIRepository: 0,
    Secret: 1,
    Kustomization: 2,
};

/** Secret values replaced, map keys kept, so a reviewer sees which keys a Secret holds. */
export function redactSecrets(v: unknown): unknown {
    if (isSecretMarked(v)) return redactAll((v as { value: unknown }).value);
    if (Array.isArray(v)) return v.map(redactSecrets);
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactSecrets(x)]));
    }
    return v;
}

/** Every value replaced, map keys kept (a secret's whole content). */
export function redactAll(v: unknown): unknown {
    if (isSecretMarked(v)) return redactAll((v as { value: unknown }).value);
    if (Array.isArray(v)) return v.map(redactAll);
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactAll(x)]));
    }
    return REDACTED;
}

/** File name of an object, after the original flux-system folder's. */
function objectFileName(obj: Record<string, any>, source: { kind: string; name: string }): string {
    const name = String(obj.metadata?.name ?? "");
    if (obj.kind === source.kind && name === source.name) return "gotk-sync.yaml";
    return `${name}-${String(obj.kind).toLowerCase()}.yaml`;
}

function insideFluxInstall(r: Registered, byUrn: Map<string, Registered>): boolean {
    for (let p = byUrn.get(r.parent); p !== undefined; p = byUrn.get(p.parent)) {
        if (p.type === FLUX_INSTALL_TYPE) return true;
    }
    return false;
}

/** apiVersion, kind and metadata first, as kubectl prints them; the rest as declared. */
function ordered(obj: Record<string, unknown>): Record<string, unknown> {
    const { apiVersion, kind, metadata, ...rest } = obj;
    return { apiVersion, kind, metadata, ...rest };
}

const yaml = (v: unknown) => stringify(v, { lineWidth: 0 });

/**
 * Every Kubernetes object the program declares, one file each, plus the Flux
 * install's description and a kustomization.yaml listing the objects. Same
 * run, same bytes: the order and names depend only on the objects.
 */
export function renderFiles(
    run: ProgramRun,
    flux: Record<string, unknown>,
    source: { kind: "GitRepository" | "OCIRepository"; name: string },
): RenderedFile[] {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const layerOrder = (run.outputs.layers as string[] | undefined) ?? [];
    const objects = run.resources
        .filter((r) => typeof r.inputs.apiVersion === "string" && typeof r.inputs.kind === "string")
        .filter((r) => !insideFluxInstall(r, byUrn))
        .map((r) => ordered(redactSecrets(r.serialized) as Record<string, unknown>))
        .map((obj) => ({ obj, name: objectFileName(obj, source) }));
    const rank = (o: Record<string, any>) => KIND_RANK[String(o.kind)] ?? 3;
    const layerIndex = (o: Record<string, any>) =>
        o.kind === "Kustomization" ? layerOrder.indexOf(String(o.metadata?.name)) : 0;
    objects.sort(
        (a, b) =>
            rank(a.obj) - rank(b.obj) ||
            layerIndex(a.obj) - layerIndex(b.obj) ||
            (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    const files: RenderedFile[] = [
        {
            name: FLUX_INSTALL_FILE,
            content:
                "# The Flux install, not inlined: Pulumi applies the manifest at `manifest` with these settings.\n" +
                yaml(flux),
        },
    ];
    for (const { obj, name } of objects) {
        if (files.some((f) => f.name === name)) {
            throw new Error(`two objects would both be written to ${name}; rename one of them`);
        }
        files.push({ name, content: yaml(obj) });
    }
    files.push({
        name: KUSTOMIZATION_FILE,
        content:
            `${RENDER_HEADER}\n# The Flux install is described in ${FLUX_INSTALL_FILE}, not listed: it is not an object.\n` +
            yaml({
                apiVersion: "kustomize.config.k8s.io/v1beta1",
                kind: "Kustomization",
                resources: objects.map((o) => o.name),
            }),
    });
    return files;
}

/** All files but the index as one YAML stream, each document headed by its file name. */
export function renderStream(files: RenderedFile[]): string {
    return files
        .filter((f) => f.name !== KUSTOMIZATION_FILE)
        .map((f) => `# Source: ${f.name}\n${f.content}`)
        .join("---\n");
}
