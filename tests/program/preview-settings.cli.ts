import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const TSCONFIG = path.join(ROOT, "tsconfig.json");

/**
 * Loads `file` in a fresh Node.js process after registering ts-node with exactly the options
 * @pulumi/pulumi's runner (cmd/run/run.js) passes for a TypeScript program whose tsconfig.json
 * sets no `noCheck`. Returns what the process printed, or the error it failed with.
 */
function loadAsPulumiRuns(file: string): string {
    const script = `
        const tsutils = require("@pulumi/pulumi/tsutils");
        const own = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
        require("ts-node").register({
            compiler: "typescript", transpileOnly: own.noCheck, project: "tsconfig.json", skipProject: false,
            compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...own },
        });
        const loaded = require(${JSON.stringify(file)});
        console.log("loaded " + typeof loaded);
    `;
    try {
        return execFileSync(process.execPath, ["-e", script], {
            cwd: ROOT,
            encoding: "utf8",
            stdio: "pipe",
        });
    } catch (e) {
        return String((e as { stderr?: string }).stderr);
    }
}

/**
 * `pulumi preview`/`up` must not pay for type-checking (CI's `tsc --noEmit` does). Pulumi.yaml's
 * runtime options cannot say so: the CLI 3.248 sends them in RunRequest.info, which the v3.68
 * language host does not read. tsconfig.json is what any host and @pulumi/pulumi's runner use.
 */
describe("preview and up transpile without type-checking, tsc still checks", function () {
    this.timeout(60000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-tsnode-"));
    const typeError = path.join(tmp, "type-error.ts");
    fs.writeFileSync(typeError, 'const n: number = "not a number";\nexport = n;\n');
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("Pulumi.yaml runs index.ts through ts-node with the project's tsconfig.json", () => {
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        expect(project.runtime.name).to.equal("nodejs");
        expect(project.runtime.options.typescript).to.equal(true);
        expect(project.runtime.options.tsconfig).to.equal(undefined);
        expect(project.main).to.equal("index.ts");
    });

    it("the runner loads the program through swc", () => {
        expect(loadAsPulumiRuns(path.join(ROOT, "index.ts"))).to.equal("loaded function\n");
    });

    it("a type error does not stop preview or up", () => {
        expect(loadAsPulumiRuns(typeError)).to.equal("loaded string\n");
    });

    it("tsc --noEmit (npm run build, CI) keeps type-checking", () => {
        const read = ts.readConfigFile(TSCONFIG, ts.sys.readFile);
        const options = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT).options;
        expect(options.noCheck).to.equal(undefined);
        const program = ts.createProgram([typeError], { ...options, noEmit: true });
        const messages = ts
            .getPreEmitDiagnostics(program)
            .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        expect(messages).to.include("Type 'string' is not assignable to type 'number'.");
    });
});
