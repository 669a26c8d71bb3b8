/**
 * npm run render -- --stack <name> [--out <dir>]
 *
 * Every object the program would apply for a stack, as YAML, evaluated offline
 * (Pulumi mocks: no cluster, no Pulumi CLI, no network, no secret values).
 */
import * as fs from "fs";
import * as path from "path";
import { parseFlags, UsageError, userPath } from "./args";
import { evaluateProgram, Program } from "./evaluate";
import {
    KUSTOMIZATION_FILE,
    REDACTED,
    redactAll,
    RENDER_HEADER,
    RenderedFile,
    renderFiles,
    renderStream,
} from "./render-objects";
import { loadOfflineStack, PROJECT_DIR, withoutDownloads } from "./stack-config";
import { PROJECT } from "../stacks";
import { ParsedFlux } from "../stacks/sections/flux";

const USAGE = "usage: npm run render -- --stack <name> [--out <dir>]";

/** Renders a stack's objects; the program's own error (a config problem) is rethrown as is. */
export async function renderStack(
    stack: string,
    projectDir = PROJECT_DIR,
): Promise<RenderedFile[]> {
    const offline = await loadOfflineStack(stack, projectDir);
    const run = await withoutDownloads(() =>
        evaluateProgram(() => require("../index") as Program, offline.config, offline.secretKeys, {
            project: PROJECT,
            stack,
        }),
    );
    if (run.error !== undefined) throw run.error;
    return renderFiles(
        run,
        describeFlux(offline.parsed.flux),
        offline.parsed.source.kind === "oci"
            ? { kind: "OCIRepository", name: offline.parsed.source.oci.repositoryName }
            : { kind: "GitRepository", name: offline.parsed.source.git.repositoryName },
    );
}

/**
 * The install's settings as gotk-components.yaml describes them: its objects
 * are built from the manifest and not listed; the pull Secret's content and,
 * for a flux key stored as a secret, every value are redacted.
 */
function describeFlux(flux: ParsedFlux): Record<string, unknown> {
    // The options as the stack sets them: flux.registry, not flux.options.registry.
    const { pullSecret, options, ...settings } = flux;
    const described: Record<string, unknown> = {
        ...settings,
        ...options,
        ...(pullSecret !== undefined && {
            pullSecret: { name: pullSecret.name, dockerConfigJson: REDACTED },
        }),
    };
    return flux.confidential ? (redactAll(described) as Record<string, unknown>) : described;
}

/**
 * Writes the files into `dir`, which must be new, empty, or an earlier render
 * (whose YAML files are replaced, so removed objects do not linger).
 */
function writeFolder(dir: string, files: RenderedFile[]): void {
    if (fs.existsSync(dir)) {
        const entries = fs.readdirSync(dir);
        const index = path.join(dir, KUSTOMIZATION_FILE);
        const earlier =
            fs.existsSync(index) && fs.readFileSync(index, "utf8").startsWith(RENDER_HEADER);
        if (entries.length > 0 && !earlier) {
            throw new UsageError(
                `--out ${dir} is not empty and holds no earlier render; give a new or empty folder`,
            );
        }
        for (const f of entries.filter((e) => e.endsWith(".yaml"))) fs.rmSync(path.join(dir, f));
    }
    fs.mkdirSync(dir, { recursive: true });
    for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.content);
}

async function main(argv: string[]): Promise<number> {
    const flags = parseFlags(argv, { stack: { type: "string" }, out: { type: "string" } });
    if (flags.stack === undefined) throw new UsageError("--stack is required");
    // The program resolves a local `flux.manifest` against the working directory, as `pulumi` runs it.
    process.chdir(PROJECT_DIR);
    const files = await renderStack(flags.stack);
    if (flags.out === undefined) {
        process.stdout.write(renderStream(files));
    } else {
        const dir = userPath(flags.out);
        writeFolder(dir, files);
        process.stderr.write(`wrote ${files.length} files to ${dir}\n`);
    }
    return 0;
}

/** What cli/main.ts starts. */
export const command = { usage: USAGE, main };
