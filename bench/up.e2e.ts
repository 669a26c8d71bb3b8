/**
 * npm run bench:up: how long `pulumi up` of the prod stack takes until every layer is Ready, as a
 * person runs it (with its preview) and as the deploy workflow runs it (`--skip-preview`),
 * against raw Flux (`kubectl apply` of the identical objects), at kustomize-controller's
 * `--requeue-dependency` of 5s and of upstream's default 30s, each on a fresh cluster, and when
 * each phase of `pulumi up` ended (bench/up-phases.ts: program start, providers configured,
 * namespace and CRDs, source Ready, each layer Ready). A figure, not a test: it fails only when a
 * run fails. Runs through tests/e2e/run.sh, which builds the toolchain and starts the control
 * plane and the Git server.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    env,
    loopbackStackConfig,
    publishFixtureRepo,
    writeInstallManifest,
} from "../tests/integration/helpers/loopback";
import { freshCluster, LAYERS, rawFluxSeconds, Requeue } from "../tests/e2e/helpers/cluster";
import { expectReadyInOrder, setUpCommands, upWithFlux } from "../tests/e2e/helpers/documented";
import { ProjectCopy, REPO_DIR } from "../tests/e2e/helpers/pulumi-cli";
import { EventLogWatch, FIRST_OBJECT, stepTimeline, upPhases } from "./up-phases";

const P = "flux-gitops";

/** One figure as bench/README.md records it: what, the value, the command, commit and machine. */
function report(what: string, seconds: number): void {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_DIR })
        .toString()
        .trim();
    const machine = `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`;
    console.log(
        `      bench: ${what}: ${seconds.toFixed(1)} s  (npm run bench:up; commit ${commit}; ${machine})`,
    );
}

describe("bench: pulumi up against raw Flux", function () {
    this.timeout(40 * 60 * 1000);
    const dir = env("E2E_DIR");
    let project: ProjectCopy;
    let floor: ProjectCopy;
    let url: string;
    let manifest: string;
    let ageKey: string;

    before(async () => {
        const age = await import("age-encryption");
        ageKey = await age.generateX25519Identity();
        const recipient = await age.identityToRecipient(ageKey);
        url = publishFixtureRepo(recipient, path.join(dir, "repo"), ["main"]);
        manifest = writeInstallManifest(path.join(dir, "flux-install.yaml"));
        project = ProjectCopy.create(path.join(dir, "project"));
        project.writeFile("age.agekey", `${ageKey}\n`);
        project.writeFile("flux-deploy-key", fs.readFileSync(env("GIT_SSH_IDENTITY"), "utf8"));
        await project.runAll(setUpCommands("prod", url, manifest));
        // The floor of bench/preview.sh, set up as the program is, in a backend of its own.
        floor = ProjectCopy.create(path.join(dir, "floor"), {
            PULUMI_BACKEND_URL: `file://${path.join(dir, "floor-state")}`,
        });
        fs.mkdirSync(path.join(dir, "floor-state"));
        fs.copyFileSync(
            path.join(REPO_DIR, "bench", "floor", "index.ts"),
            path.join(floor.dir, "index.ts"),
        );
        floor.writeFile("age.agekey", `${ageKey}\n`);
        floor.writeFile("flux-deploy-key", fs.readFileSync(env("GIT_SSH_IDENTITY"), "utf8"));
        await floor.runAll(setUpCommands("prod", url, manifest));
        await floor.run(
            "node -r ts-node/register/transpile-only bench/floor/install-objects.ts prod >install-objects.json",
        );
    });

    /** When each `pulumi up` of the program created its first install object, by form. */
    const firstObject: Record<string, number[]> = {};

    /**
     * `pulumi up` as a person runs it (it previews first) and as the deploy workflow runs it:
     * pulumi/actions goes through the Automation API, whose `up` passes `--yes --skip-preview`.
     */
    const ups = [
        { what: "pulumi up", flags: "", file: "up" },
        {
            what: "pulumi up --skip-preview",
            flags: " --yes --skip-preview",
            file: "up-skip-preview",
        },
    ];

    for (const requeue of ["5s", "30s"] as Requeue[]) {
        it(`--requeue-dependency=${requeue}: raw Flux, then pulumi up with and without its preview, each on a fresh cluster`, async () => {
            const config = loopbackStackConfig("prod", { url, manifest, ageKey });
            const secrets = [`${P}:ageKey`, `${P}:gitSshIdentity`];
            const raw = await rawFluxSeconds(config, secrets, manifest, requeue);
            report(`raw Flux to all layers Ready, requeue ${requeue}`, raw);
            for (const up of ups) await timeUp(up, requeue, raw);
        });
    }

    async function timeUp(
        up: { what: string; flags: string; file: string },
        requeue: Requeue,
        raw: number,
    ): Promise<void> {
        const events = path.join(dir, `${up.file}-${requeue}.events.jsonl`);
        const watch = new EventLogWatch(events);
        const start = Date.now();
        const result = await watch.during(() =>
            upWithFlux(
                project,
                // --event-log is one of the CLI's debug flags.
                `PULUMI_DEBUG_COMMANDS=true pulumi up --stack prod${up.flags} --event-log ${events}`,
                requeue,
            ),
        );
        const seen = watch.stop();
        const phases = upPhases(seen, start, LAYERS);
        // BENCH_EVENTS_DIR=<dir> keeps the engine's event log of each run there, and each
        // resource operation's start and end (<file>-<requeue>.steps.txt).
        const keep = process.env.BENCH_EVENTS_DIR;
        if (keep) {
            fs.copyFileSync(events, path.join(keep, path.basename(events)));
            const steps = path.join(keep, `${up.file}-${requeue}.steps.txt`);
            fs.writeFileSync(steps, `${stepTimeline(seen, start).join("\n")}\n`);
        }
        if (watch.unreadable > 0)
            console.log(`      bench: ${watch.unreadable} event lines unreadable`);
        expectReadyInOrder();
        report(`${up.what} to all layers Ready, requeue ${requeue}`, result.seconds);
        const first = phases.find((p) => p.phase === FIRST_OBJECT)?.seconds;
        if (first !== undefined) (firstObject[up.file] ??= []).push(first);
        // Where the time went, from the start of the command (the engine's event log).
        for (const p of phases) {
            const s = p.seconds === undefined ? "(not seen)" : `${p.seconds.toFixed(1)} s`;
            console.log(`      bench:   ${p.phase.padEnd(36)} ${s}`);
        }
        console.log(
            `      bench: ${up.what}/raw at requeue ${requeue}: ${(result.seconds / raw).toFixed(2)}`,
        );
        await project.run("pulumi destroy --stack prod --yes");
        freshCluster();
    }

    /*
     * The floor's first install object: `pulumi up` of the floor, targeted at its namespace (its
     * Secrets are placeholders, so the rest could never become Ready), in both forms.
     */
    it("first install object: the program against the floor", async () => {
        const install = "urn:pulumi:prod::flux-gitops::flux-gitops:index:FluxInstall";
        // The namespace and its parent, the component.
        const targets = [`${install}::flux`, `${install}$kubernetes:core/v1:Namespace::flux-system`]
            .map((t) => ` --target '${t}'`)
            .join("");
        for (const up of ups) {
            const events = path.join(dir, `floor-${up.file}.events.jsonl`);
            const watch = new EventLogWatch(events);
            const start = Date.now();
            await watch.during(() =>
                floor.run(
                    `PULUMI_DEBUG_COMMANDS=true pulumi up --stack prod${up.flags}${targets} --event-log ${events}`,
                ),
            );
            const seconds = upPhases(watch.stop(), start, []).find(
                (p) => p.phase === FIRST_OBJECT,
            )?.seconds;
            if (seconds === undefined) throw new Error(`the floor's ${up.what} created no object`);
            report(`${up.what}: first install object, floor`, seconds);
            const program = firstObject[up.file] ?? [];
            console.log(
                `      bench: ${up.what}: first install object, program ${program.map((x) => `${x.toFixed(1)} s`).join(", ")}; ` +
                    `floor ${seconds.toFixed(1)} s (goal: within 5 s of the floor's)`,
            );
            await floor.run("pulumi destroy --stack prod --yes");
            freshCluster();
        }
    });
});
