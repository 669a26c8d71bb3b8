import { z } from "zod";
import * as d from "../defaults";
import { dependencyOrder } from "../layer-graph";
import { EXPECT, layerSchema, layersSchema } from "../schema";
import { Layer, LayerSettings } from "../types";
import { SectionContext } from "./context";
import { checkLayerGraph } from "./layer-graph-rules";

type LayerOverride = z.output<typeof layerSchema>;

/**
 * `layers`: the seed's layers with the stack's overrides merged in, checked as
 * a graph, every layer after the layers it depends on.
 */
export function parseLayers(ctx: SectionContext, readinessTimeout: string): Layer[] | undefined {
    const before = ctx.problems.count;
    const overrides = parseOverrides(ctx);
    if (overrides === undefined) return undefined;
    const layers = mergeLayers(ctx, overrides, readinessTimeout);
    checkLayerGraph(ctx, layers, overrides);
    if (ctx.problems.count > before) return undefined;
    return dependencyOrder(layers);
}

/** Each layer on its own, so that one bad layer does not hide the others' problems. */
function parseOverrides(ctx: SectionContext): Map<string, LayerOverride> | undefined {
    const value = ctx.raw.layers?.value ?? {};
    const shape = z.record(z.string(), z.unknown(), { error: EXPECT.layers }).safeParse(value);
    if (!shape.success) {
        ctx.problems.addZodIssues("layers", shape.error, value);
        return undefined;
    }
    const overrides = new Map<string, LayerOverride>();
    for (const [name, layer] of Object.entries(shape.data)) {
        const nameOk = layersSchema.safeParse({ [name]: {} }).success;
        if (!nameOk) {
            ctx.problems.add("layers", [name], name, `a layer name that is ${EXPECT.label}`);
        }
        const r = layerSchema.safeParse(layer);
        if (!r.success) ctx.problems.addZodIssues("layers", r.error, layer, [name]);
        else if (nameOk) overrides.set(name, r.data);
    }
    return overrides;
}

/** The seed's layers with the stack's overrides applied; new layers must bring a path. */
function mergeLayers(
    ctx: SectionContext,
    overrides: Map<string, LayerOverride>,
    readinessTimeout: string,
): Layer[] {
    const names = [
        ...Object.keys(d.SEED_LAYERS),
        ...[...overrides.keys()].filter((n) => !d.isSeedLayer(n)),
    ];
    const layers: Layer[] = [];
    for (const name of names) {
        const { enabled, healthChecks, ...o } = overrides.get(name) ?? {};
        if (enabled === false) continue;
        const base: Partial<LayerSettings> = d.isSeedLayer(name)
            ? d.SEED_LAYERS[name]
            : {
                  interval: d.DEFAULT_LAYER_INTERVAL,
                  prune: d.DEFAULT_PRUNE,
                  dependsOn: [],
                  healthChecks: [],
              };
        const merged = { ...base, ...stripUndefined(o) };
        if (healthChecks !== undefined) {
            merged.healthChecks = healthChecks.map((h) => ({
                apiVersion: h.apiVersion ?? d.DEFAULT_HEALTH_CHECK_API_VERSION,
                kind: h.kind ?? d.DEFAULT_HEALTH_CHECK_KIND,
                name: h.name,
                namespace: h.namespace,
            }));
        }
        if (merged.path === undefined) {
            ctx.problems.add(
                "layers",
                [name, "path"],
                undefined,
                `${EXPECT.path}; a layer that is not one of the seed's needs a path`,
            );
            continue;
        }
        merged.readinessTimeout ??= readinessTimeout;
        layers.push({ name, ...(merged as LayerSettings) });
    }
    return layers;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
