/**
 * Runs the project the way its users do: shell commands (the documented ones, verbatim where possible)
 * in a copy of the project directory, through the real `pulumi` CLI and the Node.js language
 * host found on PATH (tests/e2e/run.sh puts the offline-built ones there, with a local file
 * backend and a passphrase secrets provider).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The repository root: what a user clones. */
export const REPO_DIR = path.resolve(__dirname, "..", "..", "..");

/** What the program needs from the repository; the test suites and their fixtures stay behind. */
const NOT_COPIED = new Set(["node_modules", ".git", "tests", "bin"]);

export interface CliResult {
    command: string;
    /** Exit status; a signal counts as 128 + its number, as in a shell. */
    code: number;
    /** stdout and stderr interleaved, as a terminal shows them. */
    output: string;
    /** stdout alone (for `--json`). */
    stdout: string;
    seconds: number;
}

export interface RunOptions {
    /** Resolve with a non-zero status instead of rejecting. */
    allowFailure?: boolean;
    /** Text on the command's stdin. */
    input?: string;
    /** Extra environment for this command only. */
    env?: NodeJS.ProcessEnv;
    /** The output holds secrets on purpose (`--show-secrets`): keep it out of the transcript. */
    private?: boolean;
}

/** A command that failed, with what it printed (already kept in the project's transcript). */
export class CliError extends Error {
    constructor(
        readonly result: CliResult,
        withheld = false,
    ) {
        super(
            `\`${result.command}\` exited with ${result.code} after ${result.seconds.toFixed(1)}s:\n` +
                (withheld ? "(output withheld: it may hold secrets)" : result.output),
        );
    }
}

/**
 * A copy of the project in `dir` (sources, Pulumi.yaml, tsconfig.json and the stack files as
 * committed) whose node_modules is the repository's own, installed by `npm ci`.
 */
export class ProjectCopy {
    /** Everything every command printed, for checks that nothing leaked into CLI output. */
    readonly transcript: CliResult[] = [];

    private constructor(
        readonly dir: string,
        private readonly env: NodeJS.ProcessEnv,
    ) {}

    /**
     * Copies the project into `dir`. `env` is added to the suite's environment for every
     * command: the cluster's KUBECONFIG, for example.
     */
    static create(dir: string, env: NodeJS.ProcessEnv = {}): ProjectCopy {
        fs.mkdirSync(dir, { recursive: true });
        for (const entry of fs.readdirSync(REPO_DIR)) {
            if (NOT_COPIED.has(entry)) continue;
            fs.cpSync(path.join(REPO_DIR, entry), path.join(dir, entry), { recursive: true });
        }
        fs.symlinkSync(path.join(REPO_DIR, "node_modules"), path.join(dir, "node_modules"));
        return new ProjectCopy(dir, {
            ...process.env,
            // The documented `pulumi up` / `pulumi destroy` ask for confirmation on a terminal; this is
            // the CLI's own switch for answering yes, so the commands stay as the documentation prints them.
            PULUMI_SKIP_CONFIRMATIONS: "true",
            ...env,
        });
    }

    /** Writes a file into the project copy (key files a user would keep next to Pulumi.yaml). */
    writeFile(name: string, content: string): string {
        const file = path.join(this.dir, name);
        fs.writeFileSync(file, content, { mode: 0o600 });
        return file;
    }

    /** The stack file as the CLI left it. */
    stackFile(stack: string): string {
        return fs.readFileSync(path.join(this.dir, `Pulumi.${stack}.yaml`), "utf8");
    }

    /** Runs one shell command line (bash) in the project copy; rejects on a non-zero status. */
    run(command: string, options: RunOptions = {}): Promise<CliResult> {
        const start = Date.now();
        const child = spawn("bash", ["-c", command], {
            cwd: this.dir,
            env: { ...this.env, ...options.env },
            stdio: ["pipe", "pipe", "pipe"],
        });
        const chunks: Buffer[] = [];
        const stdout: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => {
            chunks.push(b);
            stdout.push(b);
        });
        child.stderr.on("data", (b: Buffer) => chunks.push(b));
        child.stdin.end(options.input ?? "");
        return new Promise((resolve, reject) => {
            child.on("error", reject);
            child.on("close", (code, signal) => {
                const result: CliResult = {
                    command,
                    code: code ?? 128 + signalNumber(signal),
                    output: Buffer.concat(chunks).toString("utf8"),
                    stdout: Buffer.concat(stdout).toString("utf8"),
                    seconds: (Date.now() - start) / 1000,
                };
                if (!options.private) this.transcript.push(result);
                if (process.env.E2E_VERBOSE && !options.private) {
                    console.log(`      $ ${command}  (exit ${result.code}, ${result.seconds}s)`);
                    console.log(result.output.replace(/^/gm, "        "));
                }
                if (result.code !== 0 && !options.allowFailure)
                    reject(new CliError(result, options.private));
                else resolve(result);
            });
        });
    }

    /** Runs commands one after another; resolves with their results. */
    async runAll(commands: string[], options: RunOptions = {}): Promise<CliResult[]> {
        const results: CliResult[] = [];
        for (const c of commands) results.push(await this.run(c, options));
        return results;
    }

    /** Everything printed so far, in order. */
    output(): string {
        return this.transcript.map((r) => r.output).join("\n");
    }
}

function signalNumber(signal: NodeJS.Signals | null): number {
    return signal ? os.constants.signals[signal] : 0;
}
