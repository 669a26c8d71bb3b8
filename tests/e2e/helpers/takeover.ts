/**
 * What the takeover suites share: a cluster bootstrapped the way `flux bootstrap` leaves one, a
 * stack configured for it as docs/takeover.md step 1 says, and the records a takeover is checked
 * against (every object's UID, each Helm release's revision, the layers' Ready at every poll).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    getObject,
    kubectl,
    readyCondition,
    requestReconcile,
    waitUntil,
} from "../../integration/helpers/kube";
import { env } from "../../integration/helpers/loopback";
import { NS, exited, startFluxWhenInstalled, waitAllReady } from "./cluster";
import { CliResult, ProjectCopy } from "./pulumi-cli";

export const OWNER_LABEL = "kustomize.toolkit.fluxcd.io/name";
export const CONTROLLERS = ["source-controller", "kustomize-controller", "helm-controller"];

/** An object as recorded before the takeover. */
export interface Recorded {
    /** The inventory entry's API version. */
    v: string;
    uid: string;
    resourceVersion: string;
}

/** `<namespace>_<name>_<group>_<kind>` of a Flux inventory entry, as kubectl arguments. */
export function kubectlTarget(id: string, v: string): string[] {
    const parts = id.split("_");
    const kind = parts.pop()!;
    const group = parts.pop()!;
    const namespace = parts.shift()!;
    const resource = group === "" ? kind : `${kind}.${v}.${group}`;
    return [resource, parts.join("_"), ...(namespace === "" ? [] : ["-n", namespace])];
}

/** Each Kustomization's inventory: its name, then the ids of the objects it applied. */
export function inventories(): Map<string, { id: string; v: string }[]> {
    const ks = JSON.parse(kubectl(["get", "kustomizations", "-n", NS, "-o", "json"])).items;
    return new Map(
        ks.map((k: any) => [k.metadata.name as string, k.status?.inventory?.entries ?? []]),
    );
}

/** Every object a Kustomization (the root or a layer) applied, with its UID and resourceVersion. */
export function recordApplied(): Map<string, Recorded> {
    const out = new Map<string, Recorded>();
    for (const entries of inventories().values()) {
        for (const e of entries) {
            if (out.has(e.id)) continue;
            const o = JSON.parse(kubectl(["get", ...kubectlTarget(e.id, e.v), "-o", "json"]));
            out.set(e.id, {
                v: e.v,
                uid: o.metadata.uid,
                resourceVersion: o.metadata.resourceVersion,
            });
        }
    }
    return out;
}

/**
 * Recorded objects that were deleted or recreated (another UID), or, for the ids `unwritten`
 * picks, written at all (another resourceVersion).
 */
export function uidsChanged(
    recorded: Map<string, Recorded>,
    unwritten: (id: string) => boolean = () => false,
): string[] {
    const changed: string[] = [];
    for (const [id, r] of recorded) {
        let now = { uid: "deleted", resourceVersion: "" };
        try {
            now = JSON.parse(kubectl(["get", ...kubectlTarget(id, r.v), "-o", "json"])).metadata;
        } catch {
            // NotFound: deleted.
        }
        if (now.uid !== r.uid) changed.push(`${id}: uid ${r.uid} -> ${now.uid}`);
        if (unwritten(id) && now.resourceVersion !== r.resourceVersion) {
            changed.push(`${id}: resourceVersion ${r.resourceVersion} -> ${now.resourceVersion}`);
        }
    }
    return changed;
}

/**
 * Lines of `pulumi up` output that create, delete or replace an object in the cluster, or count
 * deletions and replacements. The program's components and the install's group own nothing in
 * the cluster: their creation is not one.
 */
export function lifecycleLines(output: string): string[] {
    return output
        .split("\n")
        .filter(
            (l) =>
                /kubernetes:(?!yaml\/)\S+ .*\b(created|deleted|replaced|creating|deleting|replacing)\b/.test(
                    l,
                ) || /^\s*[-+]*\d+ (deleted|replaced)\b/.test(l),
        );
}

/** Preview or up lines that create an object in the cluster (` + kubernetes:…`). */
export const createdLines = (output: string) =>
    output.split("\n").filter((l) => /^ \+ +kubernetes:(?!yaml\/)/.test(l));

/** Each HelmRelease's Helm release revision (helm-controller's status.history). */
export function helmRevisions(): Record<string, number> {
    const hrs = JSON.parse(kubectl(["get", "helmreleases", "-A", "-o", "json"])).items;
    return Object.fromEntries(
        hrs.map((h: any) => [
            `${h.metadata.namespace}/${h.metadata.name}`,
            h.status?.history?.[0]?.version,
        ]),
    );
}

/** The pid file flux/up.sh wrote for a controller. */
export const pidFile = (c: string) =>
    path.join(process.env.FLUX_DIR ?? "/tmp/flux-gitops-flux", "pids", `${c}.pid`);

export interface Watched<T> {
    result: T;
    problems: string[];
    progressing: number;
    polls: number;
}

/**
 * Polls `layers` every second while `work` runs. A layer that is gone or not Ready is a
 * problem, unless its reason is one of `transient` (counted apart): by default only
 * Progressing, kustomize-controller marking a reconcile it has started (on every spec change
 * or requested reconcile).
 */
export async function watched<T>(
    layers: string[],
    work: Promise<T>,
    transient: string[] = ["Progressing"],
): Promise<Watched<T>> {
    const problems: string[] = [];
    let progressing = 0;
    let polls = 0;
    let done = false;
    const poll = (async () => {
        while (!done) {
            polls++;
            for (const l of layers) {
                const o = getObject("kustomization", NS, l);
                const c = readyCondition(o);
                if (c?.status === "True") continue;
                if (o !== undefined && c !== undefined && transient.includes(c.reason ?? "")) {
                    progressing++;
                    continue;
                }
                problems.push(
                    `${l}: ${o === undefined ? "deleted" : `Ready=${c?.status} ${c?.reason} ${c?.message}`}`,
                );
            }
            await new Promise((r) => setTimeout(r, 1000));
        }
    })();
    try {
        const result = await work;
        return { result, problems, progressing, polls };
    } finally {
        done = true;
        await poll;
    }
}

export const rootReady = () =>
    readyCondition(getObject("kustomization", NS, NS))?.status === "True";

/**
 * What `flux bootstrap` does, and the seed's users after it: the install manifest applied, the
 * Git Secret and `sops-age` made with `kubectl create secret --from-file`, gotk-sync.yaml
 * applied; Flux's controllers start once the CRDs exist, as their Deployments would. Returns
 * once the layers and the root are Ready.
 */
export async function bootstrapLikeFlux(
    components: string,
    gotkSync: string,
    ageKeyFile: string,
): Promise<void> {
    const flux = startFluxWhenInstalled("5s");
    kubectl(["apply", "--server-side", "-f", components]);
    kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);
    kubectl([
        "create",
        "secret",
        "generic",
        NS,
        "-n",
        NS,
        `--from-file=identity=${env("GIT_SSH_IDENTITY")}`,
        `--from-file=known_hosts=${env("GIT_SSH_KNOWN_HOSTS")}`,
    ]);
    kubectl([
        "create",
        "secret",
        "generic",
        "sops-age",
        "-n",
        NS,
        `--from-file=age.agekey=${ageKeyFile}`,
    ]);
    kubectl(["apply", "-f", gotkSync]);
    expect(await exited(flux), "Flux's controllers started").to.equal(0);
    await waitAllReady("seed cluster: all layers Ready", 5 * 60 * 1000);
    await waitUntil("root Kustomization Ready", () => (rootReady() ? true : undefined), 60_000);
}

/** The age key file as age-keygen writes it. */
export const ageKeyFile = (key: string, recipient: string) =>
    `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${key}\n`;

/**
 * The stack, set up as README's "Set up" and docs/takeover.md step 1 say, with the cluster's
 * credentials; the install is the bootstrap's own manifest (`components`), copied next to
 * Pulumi.yaml. Expects age.agekey in the project.
 */
export async function configureStack(
    project: ProjectCopy,
    url: string,
    components: string,
): Promise<void> {
    project.writeFile("flux-deploy-key", fs.readFileSync(env("GIT_SSH_IDENTITY"), "utf8"));
    fs.copyFileSync(components, path.join(project.dir, "gotk-components.yaml"));
    await project.runAll([
        "pulumi stack select --create prod",
        "pulumi config set --secret flux-gitops:ageKey < age.agekey",
        "pulumi config set --secret flux-gitops:gitSshIdentity < flux-deploy-key",
        `pulumi config set flux-gitops:gitKnownHosts "$(cat ${env("GIT_SSH_KNOWN_HOSTS")})"`,
        `pulumi config set --path git.url ${url}`,
        "pulumi config set --path flux.manifest gotk-components.yaml",
    ]);
}

/**
 * The objects `npm run takeover` lists under a heading (the indented lines after it), each
 * without its indentation.
 */
export function listedUnder(output: string, heading: string): string[] {
    const after = output.split(heading)[1]?.split("\n").slice(1);
    if (after === undefined) return [];
    const end = after.findIndex((l) => !l.startsWith("  "));
    return after.slice(0, end === -1 ? after.length : end).map((l) => l.trim());
}

/**
 * Has Flux apply the repository's new commit `head`: the GitRepository fetches it, then each
 * Kustomization of `order` in turn (as their intervals would) applies it and is Ready, while
 * all of them are watched. A new commit makes every layer wait for its dependency to apply it
 * first (Flux 2.9: "dependency … revision is not up to date", DependencyNotReady): that is
 * Flux's ordering on any commit, counted apart; anything else, or a layer gone, is a problem.
 */
export async function applyCommit(head: string, order: string[]): Promise<Watched<void>> {
    requestReconcile("gitrepository", NS, NS);
    await waitUntil(
        "GitRepository at the new commit",
        () =>
            String(getObject("gitrepository", NS, NS)?.status?.artifact?.revision).endsWith(head)
                ? true
                : undefined,
        120_000,
    );
    return watched(
        order,
        (async () => {
            for (const k of order) {
                requestReconcile("kustomization", NS, k);
                await waitUntil(
                    `${k} applied the new commit and is Ready`,
                    () => {
                        const o = getObject("kustomization", NS, k);
                        const at = String(o?.status?.lastAppliedRevision).endsWith(head);
                        return at && readyCondition(o)?.status === "True" ? true : undefined;
                    },
                    180_000,
                );
            }
        })(),
        ["Progressing", "DependencyNotReady"],
    );
}

/**
 * docs/takeover.md steps 3 and 4 as a user runs them: `npm run takeover -- --yes`, `pulumi
 * preview`, `pulumi up`, with `layers` watched throughout; the seconds all three took.
 */
export async function takeOverWatched(
    project: ProjectCopy,
    stack: string,
    layers: string[],
): Promise<Watched<{ t: CliResult; preview: CliResult; up: CliResult }> & { seconds: number }> {
    const start = Date.now();
    const run = await watched(
        layers,
        (async () => {
            const t = await project.run(`npm run --silent takeover -- ${stack} --yes`);
            const preview = await project.run(`pulumi preview ${stack}`);
            const up = await project.run(`pulumi up ${stack}`);
            return { t, preview, up };
        })(),
    );
    return { ...run, seconds: (Date.now() - start) / 1000 };
}
