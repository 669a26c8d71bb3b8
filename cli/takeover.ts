/**
 * npm run takeover -- --stack prod [--yes] [--resume] [--cwd <project dir>] [--context <kube context>]
 *
 * Takes a cluster bootstrapped with `flux bootstrap` over for a stack, without losing anything.
 * Without --yes it only reads the cluster and prints what it found and what would happen (or
 * why it will not). With --yes it neutralises the bootstrap's root Kustomization, releases the
 * adopted objects and lists them in `flux-gitops:takeover`; the next `pulumi up` imports them.
 *
 * Exit codes: 0 done (or plan shown), 2 refused or bad config, 1 failed while changing things.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { formatProblem, parseStackConfig, RawConfig } from "../stacks";
import { PROJECT } from "../stacks/defaults";
import { desiredState } from "./takeover/desired";
import { describeRef, kubectlClient } from "./takeover/kube";
import { neutralise } from "./takeover/neutralise";
import { planTakeover } from "./takeover/plan";
import { formatPlan } from "./takeover/report";

interface Args {
    stack: string;
    yes: boolean;
    resume: boolean;
    cwd: string;
    context?: string;
    timeoutMs: number;
}

function parseArgs(argv: string[]): Args {
    const args: Partial<Args> = {
        yes: false,
        resume: false,
        cwd: process.cwd(),
        timeoutMs: 120_000,
    };
    for (let i = 0; i < argv.length; i++) {
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
            return v;
        };
        switch (argv[i]) {
            case "--stack":
                args.stack = value();
                break;
            case "--yes":
                args.yes = true;
                break;
            case "--resume":
                args.resume = true;
                break;
            case "--cwd":
                args.cwd = path.resolve(value());
                break;
            case "--context":
                args.context = value();
                break;
            case "--timeout-seconds":
                args.timeoutMs = Number(value()) * 1000;
                break;
            default:
                throw new Error(`unknown argument ${argv[i]}`);
        }
    }
    if (args.stack === undefined) throw new Error("--stack <name> is required");
    return args as Args;
}

function pulumi(a: Args, cmd: string[]): string {
    return execFileSync("pulumi", [...cmd, "--stack", a.stack, "--cwd", a.cwd], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 16 * 1024 * 1024,
    });
}

/** The stack's config as the program sees it; secrets stay in this process, never printed. */
function readStackConfig(a: Args): RawConfig {
    const all = JSON.parse(pulumi(a, ["config", "--json", "--show-secrets"])) as Record<
        string,
        { value?: string; objectValue?: unknown; secret?: boolean }
    >;
    const raw: RawConfig = {};
    for (const [key, v] of Object.entries(all)) {
        // The list an earlier run wrote is written anew from what the cluster holds now.
        if (!key.startsWith(`${PROJECT}:`) || key === `${PROJECT}:takeover`) continue;
        raw[key.slice(PROJECT.length + 1)] = {
            value: v.objectValue ?? v.value,
            secret: v.secret === true,
        };
    }
    return raw;
}

/** `flux-gitops:takeover` becomes exactly the list (what an earlier run wrote goes first). */
function writeAdoptList(a: Args, keys: string[]): void {
    try {
        pulumi(a, ["config", "rm", `${PROJECT}:takeover`]);
    } catch {
        // Not set: nothing to remove.
    }
    pulumi(a, [
        "config",
        "set-all",
        "--path",
        ...keys.flatMap((k, i) => ["--plaintext", `takeover[${i}]=${k}`]),
    ]);
}

async function main(a: Args): Promise<number> {
    const parsed = await parseStackConfig(readStackConfig(a), { baseDir: a.cwd });
    if (!parsed.ok) {
        console.error(`Invalid configuration for stack "${a.stack}":`);
        for (const p of parsed.problems) console.error(`  - ${formatProblem(p)}`);
        return 2;
    }
    const kube = kubectlClient(a.context);
    const plan = planTakeover(kube, desiredState(parsed.config), { resume: a.resume });
    console.log(formatPlan(a.stack, plan));
    if (plan.refusals.length > 0) return 2;
    if (!a.yes) {
        console.log(
            "Nothing was changed. Run again with --yes to neutralise the root and release the objects.",
        );
        return 0;
    }
    await neutralise(kube, plan, { timeoutMs: a.timeoutMs, log: (l) => console.log(l) });
    writeAdoptList(a, plan.adopted.map(describeRef));
    console.log(
        `Listed the ${plan.adopted.length} objects to adopt in ${PROJECT}:takeover. Next: ` +
            `\`pulumi preview --stack ${a.stack}\` (each of them shows as "import", none as "create"), then ` +
            `\`pulumi up --stack ${a.stack}\`; then \`pulumi config rm ${PROJECT}:takeover --stack ${a.stack}\` and ` +
            "`pulumi up` once more, which only takes the pulumi.com/patchFieldManager annotation off the adopted objects.",
    );
    return 0;
}

let args: Args;
try {
    args = parseArgs(process.argv.slice(2));
} catch (e) {
    console.error(
        `${(e as Error).message}\nusage: npm run takeover -- --stack <name> [--yes] [--resume] [--cwd <dir>] [--context <ctx>]`,
    );
    process.exit(2);
}
main(args).then(
    (code) => process.exit(code),
    (e: unknown) => {
        // kubectl and pulumi errors carry their stderr; neither prints secret values.
        const err = e as { message?: string; stderr?: string };
        console.error(`takeover failed: ${err.stderr?.trim() || err.message || String(e)}`);
        console.error(
            'What was done so far is safe to keep; see README, "If a step fails halfway".',
        );
        process.exit(1);
    },
);
