import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");

/** The compiler options TypeScript itself resolves for a tsconfig file (extends included). */
function resolvedOptions(file: string): ts.CompilerOptions {
    const read = ts.readConfigFile(file, ts.sys.readFile);
    expect(read.error, `${file} parses`).to.equal(undefined);
    return ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(file)).options;
}

/**
 * `pulumi preview`/`up` must not type-check (CI's `tsc --noEmit` does), while `tsc` keeps checking.
 * The Node.js language host passes Pulumi.yaml's `tsconfig` option on as
 * PULUMI_NODEJS_TSCONFIG_PATH; @pulumi/pulumi's runner then makes ts-node transpile-only when
 * that file's own compilerOptions say `noCheck` (cmd/run/run.js).
 */
describe("preview and up run without type-checking, tsc still checks", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    const options = project.runtime.options;
    const pulumiTsconfig = path.join(ROOT, options.tsconfig ?? "tsconfig.json");

    it("Pulumi.yaml runs index.ts through ts-node with its own tsconfig", () => {
        expect(project.runtime.name).to.equal("nodejs");
        expect(options.typescript).to.equal(true);
        expect(project.main).to.equal("index.ts");
        expect(path.basename(pulumiTsconfig)).to.not.equal("tsconfig.json");
    });

    it("@pulumi/pulumi reads noCheck from that tsconfig, which turns on transpile-only", () => {
        // The very function the runner calls; it reads only the file's own compilerOptions.
        const tsutils = require("@pulumi/pulumi/tsutils");
        expect(tsutils.loadTypeScriptCompilerOptions(pulumiTsconfig).noCheck).to.equal(true);
    });

    it("compiles the program with tsconfig.json's options, module kind aside", () => {
        const { noCheck, module, moduleResolution, ...rest } = resolvedOptions(pulumiTsconfig);
        const base = resolvedOptions(path.join(ROOT, "tsconfig.json"));
        expect(noCheck).to.equal(true);
        // ts-node's swc transpiler knows node16/nodenext only; for a CommonJS package both emit require().
        expect([module, moduleResolution]).to.deep.equal([
            ts.ModuleKind.NodeNext,
            ts.ModuleResolutionKind.NodeNext,
        ]);
        const { module: _m, moduleResolution: _r, ...baseRest } = base;
        expect(rest).to.deep.equal(baseRest);
    });

    it("loads index.ts as Pulumi's runner registers ts-node: swc, transpile-only, CommonJS", () => {
        // A fresh process registers ts-node with the options cmd/run/run.js passes (there the
        // tsconfig path comes from PULUMI_NODEJS_TSCONFIG_PATH) and requires the program.
        const script = `
            const tsutils = require("@pulumi/pulumi/tsutils");
            const file = ${JSON.stringify(pulumiTsconfig)};
            const own = tsutils.loadTypeScriptCompilerOptions(file);
            const service = require("ts-node").register({
                compiler: "typescript", transpileOnly: own.noCheck, project: file, skipProject: false,
                compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...own },
            });
            const program = require(${JSON.stringify(path.join(ROOT, "index.ts"))});
            console.log(JSON.stringify({ swc: service.options.swc, transpileOnly: service.options.transpileOnly, program: typeof program }));
        `;
        const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
        expect(JSON.parse(out.trim().split("\n").pop()!)).to.deep.equal({
            swc: true,
            transpileOnly: true,
            program: "function",
        });
    });

    it("tsconfig.json (tsc --noEmit in CI and editors) keeps type-checking", () => {
        expect(resolvedOptions(path.join(ROOT, "tsconfig.json")).noCheck).to.equal(undefined);
    });
});
