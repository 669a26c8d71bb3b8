// Starts a command of this folder: `node cli/run.js render --stack prod`.
//
// Plain JavaScript so that it can choose how the TypeScript is loaded: ts-node
// with swc transpiles the program in milliseconds where TypeScript's own
// transpiler takes most of a second, and Node's plain stack traces replace
// source-map-support's, which Pulumi's SDK would otherwise trigger for every
// resource and promise it creates (seconds for a 200-layer stack).
"use strict";
require("ts-node").register({
    swc: true,
    transpileOnly: true,
    // The node20 module mode of tsconfig.json is not one swc knows; CommonJS is what it means here.
    compilerOptions: { module: "commonjs" },
});
Error.prepareStackTrace = undefined;

const [name, ...args] = process.argv.slice(2);
const commands = { render: "./render.ts", preflight: "./preflight.ts" };
if (!Object.hasOwn(commands, name)) {
    process.stderr.write(`usage: node cli/run.js <${Object.keys(commands).join("|")}> [flags]\n`);
    process.exit(2);
}
const { command } = require(commands[name]);
require("./args.ts").runMain(command.usage, () => command.main(args));
