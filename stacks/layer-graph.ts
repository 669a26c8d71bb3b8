/** Something with a name and the names it depends on. */
export interface Node {
    name: string;
    dependsOn: string[];
}

/**
 * The cycles among `nodes`, each as the names along it, first name repeated at
 * the end (`["apps", "databases", "apps"]`). Edges to unknown names are ignored.
 */
export function findCycles(nodes: Node[]): string[][] {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[][] = [];
    const stack: string[] = [];

    const visit = (name: string) => {
        state.set(name, "visiting");
        stack.push(name);
        for (const dep of byName.get(name)?.dependsOn ?? []) {
            if (!byName.has(dep)) continue;
            if (state.get(dep) === "visiting") {
                cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
            } else if (!state.has(dep)) {
                visit(dep);
            }
        }
        stack.pop();
        state.set(name, "done");
    };
    for (const n of nodes) {
        if (!state.has(n.name)) visit(n.name);
    }
    return cycles;
}

/**
 * `nodes` with every node after the nodes it depends on, otherwise in the
 * given order. Requires an acyclic graph over known names.
 */
export function dependencyOrder<T extends Node>(nodes: T[]): T[] {
    const placed = new Set<string>();
    const out: T[] = [];
    const pending = [...nodes];
    while (pending.length > 0) {
        const i = pending.findIndex((n) => n.dependsOn.every((d) => placed.has(d)));
        if (i < 0) {
            throw new Error(
                `dependency cycle or unknown dependency among: ${pending.map((n) => n.name).join(", ")}`,
            );
        }
        const [next] = pending.splice(i, 1);
        placed.add(next.name);
        out.push(next);
    }
    return out;
}
