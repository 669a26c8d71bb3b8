import { Layer } from "../../flux/layers";
import { keyed, PreflightContext } from "./context";
import { Finding } from "./findings";
import { DefinedObject, LayerContents } from "./layer-contents";
import { apiGroup } from "./yaml-files";

/** A reference from a HelmRelease to another Flux object, and where it is written. */
interface Reference {
    group: string;
    kind: string;
    name: string;
    namespace: string;
    path: (string | number)[];
    what: string;
}

const HELM_GROUP = "helm.toolkit.fluxcd.io";
const SOURCE_GROUP = "source.toolkit.fluxcd.io";

/** What a HelmRelease waits for: its `dependsOn` releases and its chart's source. */
function referencesOf(o: DefinedObject): Reference[] {
    const spec = o.doc.value.spec ?? {};
    const refs: Reference[] = [];
    for (const [i, d] of (Array.isArray(spec.dependsOn) ? spec.dependsOn : []).entries()) {
        if (typeof d?.name !== "string") continue;
        refs.push({
            group: HELM_GROUP,
            kind: "HelmRelease",
            name: d.name,
            namespace: d.namespace ?? o.namespace,
            path: ["spec", "dependsOn", i],
            what: "dependsOn",
        });
    }
    const sources: [unknown, (string | number)[]][] = [
        [spec.chart?.spec?.sourceRef, ["spec", "chart", "spec", "sourceRef"]],
        [spec.chartRef, ["spec", "chartRef"]],
    ];
    for (const [ref, path] of sources) {
        const r = ref as { kind?: unknown; name?: unknown; namespace?: unknown } | undefined;
        if (typeof r?.kind !== "string" || typeof r.name !== "string") continue;
        refs.push({
            group: SOURCE_GROUP,
            kind: r.kind,
            name: r.name,
            namespace: typeof r.namespace === "string" ? r.namespace : o.namespace,
            path,
            what: path.join("."),
        });
    }
    return refs;
}

/** Every layer a layer waits for, directly or through others. */
function upstream(layer: Layer, byName: Map<string, Layer>): Set<string> {
    const seen = new Set<string>();
    const visit = (l: Layer | undefined) => {
        for (const d of l?.dependsOn ?? []) {
            if (seen.has(d)) continue;
            seen.add(d);
            visit(byName.get(d));
        }
    };
    visit(layer);
    return seen;
}

/**
 * A HelmRelease may only wait for objects of its own layer or of layers its
 * layer depends on; anything else is applied later or in parallel, and the
 * release sits not-ready until then (or forever, if that layer waits for
 * this one). References to objects no layer defines are warnings.
 */
export function checkDependencyOrder(ctx: PreflightContext, all: LayerContents[]): Finding[] {
    const findings: Finding[] = [];
    const byName = new Map(ctx.layers.map((l) => [l.name, l]));
    const definedIn = (r: Reference) =>
        all
            .filter((c) =>
                c.objects.some(
                    (o) =>
                        apiGroup(o.apiVersion) === r.group &&
                        o.kind === r.kind &&
                        o.name === r.name &&
                        o.namespace === r.namespace,
                ),
            )
            .map((c) => c.layer.name);
    const ownSource = (r: Reference) =>
        r.group === SOURCE_GROUP &&
        r.kind === ctx.source.kind &&
        r.name === ctx.source.name &&
        r.namespace === ctx.source.namespace;

    for (const c of all) {
        const before = upstream(c.layer, byName);
        for (const o of c.objects) {
            if (o.kind !== "HelmRelease" || apiGroup(o.apiVersion) !== HELM_GROUP) continue;
            for (const r of referencesOf(o)) {
                if (ownSource(r)) continue;
                const layers = definedIn(r);
                if (layers.includes(c.layer.name) || layers.some((l) => before.has(l))) continue;
                const at = { file: o.doc.file, line: o.doc.line(r.path) };
                const self = `HelmRelease ${o.namespace}/${o.name} (layer ${c.layer.name})`;
                const target = `${r.kind} ${r.namespace}/${r.name}`;
                findings.push(
                    layers.length === 0
                        ? {
                              severity: "warning",
                              rule: "dependency-order",
                              ...at,
                              message: `${self}: ${r.what} names ${target}, which no layer of the stack defines`,
                          }
                        : {
                              severity: "error",
                              rule: "dependency-order",
                              ...at,
                              message:
                                  `${self}: ${r.what} names ${target}, defined only in layer ${layers.join(", ")}, ` +
                                  `which layer ${c.layer.name} does not depend on (directly or through other layers)`,
                              ...keyed(ctx, ["layers", c.layer.name, "dependsOn"]),
                          },
                );
            }
        }
    }
    return findings;
}
