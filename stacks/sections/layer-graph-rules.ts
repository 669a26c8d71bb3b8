import { z } from "zod";
import { isSeedLayer } from "../defaults";
import { findCycles } from "../layer-graph";
import { layerSchema } from "../schema";
import { Layer } from "../types";
import { SectionContext } from "./context";

/**
 * What no single layer shows: dependencies on layers that are unknown,
 * disabled or the layer itself, cycles, and options Flux would ignore.
 */
export function checkLayerGraph(
    ctx: SectionContext,
    layers: Layer[],
    overrides: Map<string, z.output<typeof layerSchema>>,
): void {
    const names = new Set(layers.map((l) => l.name));
    for (const l of layers) {
        for (const [i, dep] of l.dependsOn.entries()) {
            if (dep === l.name) {
                ctx.problems.add(
                    "layers",
                    [l.name, "dependsOn", i],
                    dep,
                    "names of other layers (a layer cannot depend on itself)",
                );
            } else if (!names.has(dep)) {
                const why =
                    isSeedLayer(dep) || overrides.has(dep) ? "is disabled" : "is not a layer";
                ctx.problems.add(
                    "layers",
                    [l.name, "dependsOn", i],
                    dep,
                    `names of enabled layers (${[...names].join(", ")}); \`${dep}\` ${why}`,
                );
            }
        }
        if (l.wait === true && l.healthChecks.length > 0) {
            ctx.problems.add(
                "layers",
                [l.name, "wait"],
                l.wait,
                "false or unset while healthChecks are listed: Flux ignores healthChecks when wait is true; keep one of them",
            );
        }
    }
    const acyclic = layers.filter((l) =>
        l.dependsOn.every((dep) => names.has(dep) && dep !== l.name),
    );
    for (const cycle of findCycles(acyclic)) {
        if (cycle.length <= 2) continue;
        ctx.problems.add(
            "layers",
            [cycle[0], "dependsOn"],
            layers.find((l) => l.name === cycle[0])?.dependsOn,
            `dependencies without a cycle; found ${cycle.join(" → ")}`,
        );
    }
}
