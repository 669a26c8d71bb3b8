// Preloaded through NODE_OPTIONS by bench/profile.sh (`--require`): Node 20 refuses `--cpu-prof`
// in NODE_OPTIONS, and the language host starts node itself, so the program's process starts
// V8's sampling profiler here and writes a .cpuprofile (the format --cpu-prof writes) on exit.
// Only the process that runs the program is profiled, not the host's other node calls.
"use strict";
if (process.argv.some((a) => a.includes("@pulumi/pulumi/cmd/run"))) {
    const fs = require("fs");
    const path = require("path");
    const inspector = require("inspector");
    const dir = process.env.BENCH_CPU_PROF_DIR || ".";
    const session = new inspector.Session();
    session.connect();
    session.post("Profiler.setSamplingInterval", { interval: 200 });
    session.post("Profiler.enable");
    session.post("Profiler.start");
    // The in-process session answers synchronously, so the profile is written before exit.
    process.on("exit", () => {
        session.post("Profiler.stop", (err, res) => {
            if (err) return;
            fs.mkdirSync(dir, { recursive: true });
            const file = path.join(dir, `program-${process.pid}.cpuprofile`);
            fs.writeFileSync(file, JSON.stringify(res.profile));
        });
    });
}
