/** Something with a name and the names it depends on. */
interface Node {
    name: string;
    dependsOn: string[];
}

/**
 * The cycles among `nodes`, each as the names along it, first name repeated at
 * the end (`["apps", "databases", "apps"]`). Edges to unknown names are ignored.
 * Depth-first with an explicit stack, so a long dependency chain cannot
 * overflow the call stack.
 */
export function findCycles(nodes: Node[]): string[][] {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[][] = [];
    for (const root of nodes) {
        if (state.has(root.name)) continue;
        const path: string[] = [];
        const todo: { name: string; next: number }[] = [{ name: root.name, next: 0 }];
        state.set(root.name, "visiting");
        path.push(root.name);
        while (todo.length > 0) {
            const top = todo[todo.length - 1];
            const deps = byName.get(top.name)?.dependsOn ?? [];
            if (top.next >= deps.length) {
                todo.pop();
                path.pop();
                state.set(top.name, "done");
                continue;
            }
            const dep = deps[top.next++];
            if (!byName.has(dep)) continue;
            if (state.get(dep) === "visiting") {
                cycles.push([...path.slice(path.indexOf(dep)), dep]);
            } else if (!state.has(dep)) {
                state.set(dep, "visiting");
                path.push(dep);
                todo.push({ name: dep, next: 0 });
            }
        }
    }
    return cycles;
}

/**
 * `nodes` with every node after the nodes it depends on, otherwise in the
 * given order: each step takes the first node, in the given order, whose
 * dependencies are all placed. Requires an acyclic graph over known names.
 */
export function dependencyOrder<T extends Node>(nodes: T[]): T[] {
    const index = new Map(nodes.map((n, i) => [n.name, i]));
    const waitingOn = nodes.map((n) => new Set(n.dependsOn).size);
    const dependents = nodes.map(() => [] as number[]);
    for (const [i, n] of nodes.entries()) {
        for (const d of new Set(n.dependsOn)) {
            const j = index.get(d);
            if (j === undefined) {
                throw new Error(`unknown dependency ${d} of ${n.name}`);
            }
            dependents[j].push(i);
        }
    }
    // Indices of nodes ready to place, kept sorted so the earliest given comes first.
    const ready = nodes.flatMap((_, i) => (waitingOn[i] === 0 ? [i] : []));
    const out: T[] = [];
    while (ready.length > 0) {
        const i = ready.shift() as number;
        out.push(nodes[i]);
        for (const j of dependents[i]) {
            if (--waitingOn[j] === 0) ready.splice(sortedIndex(ready, j), 0, j);
        }
    }
    if (out.length < nodes.length) {
        const left = nodes.filter((n) => !out.includes(n)).map((n) => n.name);
        throw new Error(`dependency cycle or unknown dependency among: ${left.join(", ")}`);
    }
    return out;
}

function sortedIndex(sorted: number[], x: number): number {
    let [lo, hi] = [0, sorted.length];
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}
