// Starts a command of this folder (cli/main.ts picks it): `node cli/run.js render --stack prod`.
//
// Plain JavaScript so that it can choose how the TypeScript is loaded: ts-node
// with swc transpiles the program in milliseconds where TypeScript's own
// transpiler takes most of a second; and no stack traces: Pulumi's SDK captures
// one for every resource and promise it creates, which source-map-support turns
// into seconds for a 200-layer stack. The commands print messages, not stacks.
"use strict";
require("ts-node").register({
    swc: true,
    transpileOnly: true,
    // The node20 module mode of tsconfig.json is not one swc knows; CommonJS is what it means here.
    compilerOptions: { module: "commonjs" },
});
Error.prepareStackTrace = undefined;
Error.stackTraceLimit = 0;

require("./main.ts");
