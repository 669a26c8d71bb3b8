import { z } from "zod";
import * as d from "../defaults";
import { dependencyOrder } from "../layer-graph";
import { layerOverrideSchema, layerSchema } from "../layers-schema";
import { dnsLabel, EXPECT } from "../schema";
import { Layer, LayerSettings } from "../../flux/layers";
import { confidential, SectionContext } from "./context";
import { checkLayerGraph } from "./layer-graph-rules";
import { checkLayerPaths } from "./layer-paths";

/** What a stack sets for a layer: a new layer's defaults filled in, a seed layer's not. */
type LayerOverride = z.output<typeof layerSchema> | z.output<typeof layerOverrideSchema>;

/**
 * `layers`: the seed's layers with the stack's overrides merged in, checked as
 * a graph, every layer after the layers it depends on.
 */
export function parseLayers(ctx: SectionContext, readinessTimeout: string): Layer[] | undefined {
    const before = ctx.problems.count;
    const parsed = parseOverrides(ctx);
    if (parsed === undefined) return undefined;
    const layers = mergeLayers(ctx, parsed.overrides, readinessTimeout);
    checkLayerGraph(ctx, layers, parsed.overrides, parsed.invalid);
    checkLayerPaths(ctx, layers);
    if (ctx.problems.count > before) return undefined;
    return dependencyOrder(layers);
}

/**
 * Each layer on its own, so that one bad layer does not hide the others'
 * problems. The map is read from the value's own keys, so that keys such as
 * `__proto__` are judged like any other name.
 */
function parseOverrides(
    ctx: SectionContext,
): { overrides: Map<string, LayerOverride>; invalid: Set<string> } | undefined {
    const value = ctx.raw.layers?.value ?? {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        ctx.problems.add("layers", [], value, EXPECT.layers);
        return undefined;
    }
    const overrides = new Map<string, LayerOverride>();
    const invalid = new Set<string>();
    for (const [name, layer] of Object.entries(value)) {
        const nameOk = dnsLabel.safeParse(name).success;
        if (!nameOk) {
            ctx.problems.add("layers", [name], name, `a layer name that is ${EXPECT.label}`);
        }
        const schema = d.isSeedLayer(name) ? layerOverrideSchema : layerSchema;
        const r = schema.safeParse(layer);
        if (!r.success) ctx.problems.addZodIssues("layers", r.error, layer, [name]);
        if (r.success && nameOk) overrides.set(name, r.data);
        else invalid.add(name);
    }
    return { overrides, invalid };
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
        const { enabled, ...o } = overrides.get(name) ?? {};
        if (enabled === false) continue;
        const seed: Partial<LayerSettings> = d.isSeedLayer(name) ? d.SEED_LAYERS[name] : {};
        const merged = { ...seed, ...stripUndefined(o) };
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
        layers.push({ name, ...(merged as LayerSettings), ...confidential(ctx, "layers") });
    }
    return layers;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
