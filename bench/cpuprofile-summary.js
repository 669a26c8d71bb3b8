// node bench/cpuprofile-summary.js FILE.cpuprofile [TOP]: where a V8 CPU profile's time went.
// Self time (the function on top of the stack) and inclusive time (anywhere on the stack, once
// per sample), by function and by package: node_modules/<package>, the project's folders, Node's
// own modules, and V8's (idle), (garbage collector) and (program).
"use strict";
const fs = require("fs");

const [file, topArg] = process.argv.slice(2);
if (!file) {
    process.stderr.write("usage: node bench/cpuprofile-summary.js FILE.cpuprofile [TOP]\n");
    process.exit(2);
}
const top = Number(topArg || 15);
const profile = JSON.parse(fs.readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);

// A file of the project (the copy bench/profile.sh runs is a folder anywhere).
const PROJECT_FILE = /\/((index\.ts)|(components|flux|prepare|stacks|cli|bench)\/.*)$/;

function packageOf(url) {
    if (!url) return "";
    if (url.startsWith("node:")) return "node";
    const p = url.replace(/^file:\/\//, "");
    const m = p.match(/.*node_modules\/((@[^/]+\/)?[^/]+)/);
    if (m) return m[1];
    const rel = p.match(PROJECT_FILE);
    return rel ? `project: ${rel[1].replace(/\/[^/]*$/, "") || rel[1]}` : p;
}
function describe(n) {
    const f = n.callFrame;
    const name = f.functionName || "(anonymous)";
    if (!f.url) return name;
    const p = f.url.replace(/^file:\/\//, "");
    const rel = p.match(PROJECT_FILE);
    const short = rel ? rel[1] : p.replace(/.*node_modules\//, "");
    return `${name} ${short}:${f.lineNumber + 1}`;
}
function groupOf(n) {
    const f = n.callFrame;
    return f.url ? packageOf(f.url) : f.functionName;
}

const selfFn = new Map(),
    selfPkg = new Map(),
    inclFn = new Map(),
    inclPkg = new Map();
// Time spent while a module's top level runs (its own code and what it requires and compiles),
// charged to the innermost module on the stack, by package.
const loading = new Map();
const isModuleBody = (n) =>
    n.callFrame.url && n.callFrame.lineNumber === 0 && !n.callFrame.functionName;
const add = (m, k, t) => m.set(k, (m.get(k) || 0) + t);
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
    const t = (profile.timeDeltas[i] || 0) / 1000;
    total += t;
    const leaf = byId.get(profile.samples[i]);
    add(selfFn, describe(leaf), t);
    add(selfPkg, groupOf(leaf), t);
    const fns = new Set(),
        pkgs = new Set();
    let loadingCharged = false;
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
        const n = byId.get(id);
        if (!loadingCharged && isModuleBody(n)) {
            add(loading, groupOf(n), t);
            loadingCharged = true;
        }
        if (n.callFrame.functionName === "(root)") continue;
        fns.add(describe(n));
        pkgs.add(groupOf(n));
    }
    for (const k of fns) add(inclFn, k, t);
    for (const k of pkgs) add(inclPkg, k, t);
}
const wall = (profile.endTime - profile.startTime) / 1000;
const idle = selfFn.get("(idle)") || 0;
console.log(
    `${file}: ${(wall / 1000).toFixed(2)} s profiled, ${((total - idle) / 1000).toFixed(2)} s on the CPU (idle ${(idle / 1000).toFixed(2)} s)`,
);
function table(title, m) {
    console.log(`\n${title}`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
        console.log(
            `  ${(v / 1000).toFixed(3).padStart(7)} s ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`,
        );
    }
}
table("self time by package", selfPkg);
table("inclusive time by package", inclPkg);
table(
    "loading modules (top-level code, the requires and compiles under it), by innermost package",
    loading,
);
table("self time by function", selfFn);
table("inclusive time by function", inclFn);
