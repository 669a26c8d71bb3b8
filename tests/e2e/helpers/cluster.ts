/**
 * The local control plane and Flux's controllers as the end-to-end suites use them: Flux
 * starts when its CRDs appear (as its Deployments would after an install), and a suite can
 * ask for a fresh, empty cluster (the Git server keeps running).
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { objectsBesidesInstall } from "../../helpers/install";
import { runProgram } from "../../helpers/mocks";
import {
    fluxStatus,
    getObject,
    kubectl,
    readyCondition,
    waitUntil,
} from "../../integration/helpers/kube";

const IT = path.resolve(__dirname, "..", "..", "integration");
export const NS = "flux-system";
export const LAYERS = ["infrastructure", "databases", "apps"];

/**
 * kustomize-controller's --requeue-dependency: how soon a layer whose dependency is not Ready
 * is looked at again. 5s is what the suites run with; 30s is upstream's default.
 */
export type Requeue = "5s" | "30s";

/**
 * Starts Flux's controllers once the CRDs exist; resolves with the start script's status.
 * `notification`: wait for notification-controller's CRDs too and run it (by default it runs
 * only if its CRDs happen to be there when the others are).
 */
export function startFluxWhenInstalled(
    requeue: Requeue = "5s",
    opts: { notification?: boolean } = {},
): ChildProcess {
    return spawn("bash", [path.join(IT, "flux", "up.sh")], {
        env: {
            ...process.env,
            FLUX_CRDS_FROM_CLUSTER: "1",
            FLUX_REQUEUE_DEPENDENCY: requeue,
            ...(opts.notification === true && { FLUX_NOTIFICATION: "1" }),
        },
        stdio: "inherit",
    });
}

export function exited(p: ChildProcess): Promise<number> {
    return new Promise((resolve) =>
        p.exitCode !== null ? resolve(p.exitCode) : p.on("exit", (c) => resolve(c ?? 1)),
    );
}

/** Where flux/up.sh writes each controller's pid file. */
const fluxPids = () => path.join(process.env.FLUX_DIR ?? "/tmp/flux-gitops-flux", "pids");

const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];

/** No Flux controller running, no CRD and no namespace of ours: as run.sh's start leaves it. */
function pristine(): boolean {
    const pids = fluxPids();
    if (fs.existsSync(pids) && fs.readdirSync(pids).length > 0) return false;
    if (kubectl(["get", "crd", "-o", "name"]).trim() !== "") return false;
    const namespaces = kubectl(["get", "namespaces", "-o", "name"])
        .split("\n")
        .filter((n) => n !== "")
        .map((n) => n.replace(/^namespace\//, ""));
    return namespaces.every((n) => SYSTEM_NAMESPACES.includes(n));
}

/**
 * Stops Flux and replaces the control plane by an empty one, unless it is empty already (a
 * suite's first test after run.sh's start): each suite calls this before it starts instead of
 * cleaning up after itself, so the last suite of a run leaves no restart unused.
 */
export function freshCluster(): void {
    if (pristine()) return;
    execFileSync("bash", [path.join(IT, "flux", "down.sh")]);
    execFileSync("bash", [path.join(IT, "cluster", "down.sh")]);
    execFileSync("bash", [path.join(IT, "cluster", "up.sh")]);
}

/** Stops kustomize-controller the hard way (its pid file is written by flux/up.sh). */
export function killKustomizeController(): void {
    const pidFile = path.join(fluxPids(), "kustomize-controller.pid");
    process.kill(Number(fs.readFileSync(pidFile, "utf8").trim()), "SIGKILL");
}

export const ready = (name: string) => readyCondition(getObject("kustomization", NS, name));
export const allReady = () => LAYERS.every((l) => ready(l)?.status === "True");

/** When each layer last became Ready, by Flux's own clock. */
export const readySince = (name: string) => Date.parse(ready(name)!.lastTransitionTime!);

export function waitAllReady(what: string, timeoutMs: number): Promise<boolean> {
    return waitUntil(
        what,
        () => (allReady() ? true : undefined),
        timeoutMs,
        () => fluxStatus(NS),
    );
}

/**
 * The baseline without Pulumi: `kubectl apply` of exactly the objects the program declares
 * for `config` (evaluated under mocks), Flux starting as soon as its CRDs exist. Returns the
 * seconds until every layer is Ready and leaves a fresh cluster behind.
 */
export async function rawFluxSeconds(
    config: Record<string, unknown>,
    secretKeys: string[],
    manifest: string,
    requeue: Requeue,
): Promise<number> {
    const run = await runProgram(config, secretKeys, { stack: `raw-${requeue}` });
    const objects = objectsBesidesInstall(run).map((o) => stringify(o));
    const start = Date.now();
    const flux = startFluxWhenInstalled(requeue);
    kubectl(["apply", "--server-side", "-f", manifest]);
    kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);
    kubectl(["apply", "--server-side", "-f", "-"], objects.join("---\n"));
    if ((await exited(flux)) !== 0) throw new Error("Flux's controllers did not start");
    await waitAllReady(`raw Flux (requeue ${requeue}): all layers Ready`, 5 * 60 * 1000);
    const seconds = (Date.now() - start) / 1000;
    freshCluster();
    return seconds;
}
