import { keyed, PreflightContext } from "./context";
import { Finding } from "./findings";
import { DefinedObject, LayerContents } from "./layer-contents";
import { apiGroup } from "./yaml-files";

const where = (o: DefinedObject) => `${o.doc.file}:${o.doc.line() ?? "?"}`;
const nsName = (namespace: string, name: string) =>
    `${namespace === "" ? "(no namespace)" : namespace}/${name}`;

/**
 * Each health check must name an object its layer defines (same API group,
 * kind, namespace and name), else the layer never turns Ready. A HelmRelease
 * no health check covers is a warning: the layer is Ready before it is.
 */
export function checkHealthChecks(ctx: PreflightContext, all: LayerContents[]): Finding[] {
    const findings: Finding[] = [];
    for (const c of all) {
        const covered = new Set<DefinedObject>();
        for (const [i, hc] of c.layer.healthChecks.entries()) {
            const sameKind = (o: DefinedObject) =>
                o.kind === hc.kind &&
                apiGroup(o.apiVersion) === apiGroup(hc.apiVersion) &&
                o.name === hc.name;
            const match = c.objects.find((o) => sameKind(o) && o.namespace === hc.namespace);
            if (match !== undefined) {
                covered.add(match);
                continue;
            }
            const elsewhere = c.objects.find(sameKind);
            const otherLayer = all.find(
                (o) =>
                    o !== c && o.objects.some((x) => sameKind(x) && x.namespace === hc.namespace),
            );
            const hint =
                elsewhere !== undefined
                    ? `; the layer defines it in namespace ${elsewhere.namespace || "(none)"} (${where(elsewhere)})`
                    : otherLayer !== undefined
                      ? `; layer ${otherLayer.layer.name} defines it, not this one`
                      : "";
            findings.push({
                severity: "error",
                rule: "health-check",
                file: c.dir,
                message:
                    `layer ${c.layer.name}: health check ${hc.kind} ${nsName(hc.namespace, hc.name)} names nothing the layer defines` +
                    `${hint}; the layer would wait for it until it times out`,
                ...keyed(ctx, ["layers", c.layer.name, "healthChecks", i]),
            });
        }
        if (c.layer.wait === true) continue; // wait: true checks every object it applies.
        for (const o of c.objects) {
            if (o.kind !== "HelmRelease" || covered.has(o)) continue;
            findings.push({
                severity: "warning",
                rule: "health-check",
                file: o.doc.file,
                line: o.doc.line(),
                message:
                    `layer ${c.layer.name}: HelmRelease ${nsName(o.namespace, o.name)} is in no health check, ` +
                    "so the layer (and the layers after it) can be Ready before it is",
                ...keyed(ctx, ["layers", c.layer.name, "healthChecks"]),
            });
        }
    }
    return findings;
}
