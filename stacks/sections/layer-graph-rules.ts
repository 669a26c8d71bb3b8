import { isSeedLayer } from "../defaults";
import { findCycles } from "../layer-graph";
import { Layer } from "../../flux/layers";
import { SectionContext } from "./context";

/** What the graph checks know: the enabled layers by name, and the names the stack sets. */
interface Graph {
    byName: Map<string, Layer>;
    /** Layers the stack sets, valid ones only. */
    overrides: ReadonlyMap<string, unknown>;
    /** Layers with problems of their own. */
    invalid: Set<string>;
    /** Disabled layers, with the layers that still depend on them. */
    disabledDeps: Map<string, string[]>;
}

/**
 * What no single layer shows: dependencies on layers that are unknown,
 * disabled, suspended or the layer itself, cycles, entries listed twice, and
 * options Flux would ignore. A layer that has problems of its own is not
 * blamed again through the layers that depend on it.
 */
export function checkLayerGraph(
    ctx: SectionContext,
    layers: Layer[],
    overrides: ReadonlyMap<string, unknown>,
    invalid: Set<string>,
): void {
    const g: Graph = {
        byName: new Map(layers.map((l) => [l.name, l])),
        overrides,
        invalid,
        disabledDeps: new Map(),
    };
    for (const l of layers) {
        for (const [i, dep] of l.dependsOn.entries()) checkDependency(ctx, g, l, i, dep);
        checkHealthChecks(ctx, l);
    }
    // One problem per disabled layer, however many layers still depend on it.
    for (const [dep, dependents] of g.disabledDeps) {
        ctx.problems.add(
            "layers",
            [dep, "enabled"],
            false,
            `true while ${dependents.map((n) => `\`${n}\``).join(", ")} depend${dependents.length === 1 ? "s" : ""} on it; ` +
                `remove \`${dep}\` from their dependsOn, or disable them too`,
        );
    }
    checkCycles(ctx, layers, g.byName);
}

/** The `i`th entry of a layer's dependsOn: once, not itself, an enabled layer that is not suspended. */
function checkDependency(ctx: SectionContext, g: Graph, l: Layer, i: number, dep: string): void {
    const at = ["layers", [l.name, "dependsOn", i]] as const;
    if (l.dependsOn.indexOf(dep) < i) {
        ctx.problems.add(...at, dep, `each layer once; \`${dep}\` is listed before`);
    } else if (dep === l.name) {
        ctx.problems.add(...at, dep, "names of other layers (a layer cannot depend on itself)");
    } else if (g.invalid.has(dep)) {
        return;
    } else if (isSeedLayer(dep) || g.overrides.has(dep)) {
        if (!g.byName.has(dep))
            g.disabledDeps.set(dep, [...(g.disabledDeps.get(dep) ?? []), l.name]);
        else if (g.byName.get(dep)?.suspend === true && l.suspend !== true) {
            ctx.problems.warn(
                ...at,
                dep,
                `\`${dep}\` is suspended: if it has not become Ready before, it never does, ` +
                    `and Flux holds \`${l.name}\` back (\`pulumi up\` waits for it until its readinessTimeout)`,
            );
        }
    } else {
        ctx.problems.add(
            ...at,
            dep,
            `names of enabled layers (${[...g.byName.keys()].join(", ")}); \`${dep}\` is not a layer`,
        );
    }
}

/** Cycles among the layers whose dependencies are all enabled layers other than themselves. */
function checkCycles(ctx: SectionContext, layers: Layer[], byName: Map<string, Layer>): void {
    const acyclic = layers.filter((l) =>
        l.dependsOn.every((dep) => byName.has(dep) && dep !== l.name),
    );
    for (const cycle of findCycles(acyclic)) {
        if (cycle.length <= 2) continue;
        ctx.problems.add(
            "layers",
            [cycle[0], "dependsOn"],
            byName.get(cycle[0])?.dependsOn,
            `dependencies without a cycle; found ${cycle.join(" → ")}`,
        );
    }
}

/** Health checks Flux would ignore (with wait) or that are listed twice. */
function checkHealthChecks(ctx: SectionContext, l: Layer): void {
    if (l.wait === true && l.healthChecks.length > 0) {
        ctx.problems.add(
            "layers",
            [l.name, "wait"],
            l.wait,
            "false or unset while healthChecks are listed: Flux ignores healthChecks when wait is true; keep one of them",
        );
    }
    const seen = new Set<string>();
    for (const [i, h] of l.healthChecks.entries()) {
        const id = `${h.apiVersion} ${h.kind} ${h.namespace}/${h.name}`;
        if (seen.has(id)) {
            ctx.problems.add(
                "layers",
                [l.name, "healthChecks", i],
                h,
                `each object once; ${h.kind} ${h.namespace}/${h.name} is listed before`,
            );
        }
        seen.add(id);
    }
}
