import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as state from "@pulumi/pulumi/runtime/state";
import { Callback } from "@pulumi/pulumi/proto/callback_pb";
import { LiveCrd } from "../flux/install";
import { setLiveCrdReader } from "../prepare/live-crds";

/** A resource the program registered, as the engine would have seen it. */
export interface Registered {
    type: string;
    name: string;
    urn: string;
    /** Inputs with secrets unwrapped. */
    inputs: Record<string, any>;
    /** Inputs as serialized to the engine: secrets are still marked (see {@link isSecretMarked}). */
    serialized: Record<string, any>;
    /** URNs this resource waits for (explicit `dependsOn` and input dependencies). */
    dependencies: string[];
    parent: string;
    /** The retainOnDelete resource option. */
    retainOnDelete: boolean;
    /** The URNs of the `aliases` resource option, as the engine resolves them. */
    aliases: string[];
    /** The ignoreChanges resource option. */
    ignoreChanges: string[];
    /** The `transforms` option: the index of each in {@link recordedTransforms}. */
    transforms: number[];
}

export interface ProgramRun {
    resources: Registered[];
    outputs: Record<string, unknown>;
    /** The outputs that are Pulumi secrets (`[secret]` in `pulumi stack output`). */
    secretOutputs: string[];
}

/**
 * What the cluster would report for a resource (e.g. a Flux object's `status`), merged into
 * the state the mocks return; its inputs are echoed otherwise.
 */
export type Reported = (type: string, inputs: Record<string, any>) => Record<string, unknown>;

/** A Pulumi program: index.ts's default export. */
export type Program = () => Promise<Record<string, unknown>>;

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True if a serialized value is a Pulumi secret. */
export function isSecretMarked(v: unknown): boolean {
    return (
        typeof v === "object" &&
        v !== null &&
        (v as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === SECRET_SIG
    );
}

/** The `transforms` resource options of the last program run, in registration order. */
export const recordedTransforms: pulumi.ResourceTransform[] = [];

/** Resolves an Output, so a failing assertion inside it fails instead of hanging. */
export function promiseOf<T>(o: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}

/**
 * Runs a Pulumi program under the SDK's mocks, offline: no engine, no provider,
 * no cluster. Records every resource registration with its serialized inputs
 * and dependencies, as the engine would receive them.
 *
 * `config` keys are full keys (`flux-gitops:git`); objects are passed as JSON
 * like the language host does; `secretKeys` are the keys set with --secret.
 * `load` is called after the mocks are in place and returns the program.
 * `liveCrds` are the CRDs the cluster is taken to hold (none: a fresh cluster),
 * since the upgrade check would otherwise read a real one. `reported` adds what the cluster
 * would report to a resource's state (none: the inputs echoed, as in a preview).
 */
export async function evaluateProgram(
    load: () => Program,
    config: Record<string, unknown>,
    secretKeys: string[],
    opts: {
        project: string;
        stack: string;
        preview?: boolean;
        liveCrds?: LiveCrd[];
        reported?: Reported;
    },
): Promise<ProgramRun & { error?: unknown }> {
    const live = opts.liveCrds ?? [];
    // Named CRDs as asked, and other Flux CRDs (those with an object count) as the labelled list.
    const realReader = setLiveCrdReader(async (names) =>
        live.filter((c) => names.includes(c.name) || c.objects !== undefined),
    );
    await installMocks(opts.project, opts.stack, opts.preview ?? false, opts.reported);
    pulumi.runtime.setAllConfig(
        Object.fromEntries(
            Object.entries(config).map(([k, v]) => [
                k,
                typeof v === "string" ? v : JSON.stringify(v),
            ]),
        ),
        secretKeys,
    );
    const registrations = recordRegistrations();
    const { outputs, secretOutputs, error } = await runProgram(load);
    const resources = await registrations.settled();
    // A program run later in this process (an Automation API inline program) reads the real cluster.
    setLiveCrdReader(realReader);
    return { resources, outputs, secretOutputs, error };
}

/**
 * The SDK's mocks: custom resources get an id and echo their inputs, provider calls fail.
 * Resource transforms run in the engine; under mocks they are only recorded, for tests to call.
 */
async function installMocks(
    project: string,
    stack: string,
    preview: boolean,
    reported?: Reported,
): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({
                id: args.custom ? `${args.name}-id` : undefined,
                state: { ...args.inputs, ...reported?.(args.type, args.inputs) },
            }),
            call: (args) => {
                throw new Error(`unexpected provider call ${args.token}`);
            },
        },
        project,
        stack,
        preview,
    );
    recordedTransforms.length = 0;
    const store = (state as any).getStore();
    store.supportsTransforms = true;
    store.callbacks = {
        awaitStackRegistrations: async () => undefined,
        registerTransform: async (t: pulumi.ResourceTransform) => {
            recordedTransforms.push(t);
            const cb = new Callback();
            cb.setTarget("mock");
            cb.setToken(String(recordedTransforms.length));
            return cb;
        },
    };
}

/**
 * Wraps the mock monitor so that it records what the engine would see: type, name, serialized
 * inputs, dependencies. `settled` resolves once registrations stop starting (they finish
 * asynchronously), with every resource registered, by URN.
 */
function recordRegistrations(): { settled: () => Promise<Registered[]> } {
    const byUrn = new Map<string, Registered>();
    const pending: Promise<unknown>[] = [];
    const monitor = settings.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        pending.push(
            new Promise<void>((done) => {
                register(req, (err: any, resp: any) => {
                    if (!err) byUrn.set(resp.getUrn(), registered(req, resp));
                    callback(err, resp);
                    done();
                });
            }),
        );
    };
    return {
        settled: async () => {
            for (let seen = -1; seen !== pending.length;) {
                seen = pending.length;
                await Promise.all(pending);
                await new Promise((r) => setImmediate(r));
            }
            return [...byUrn.values()];
        },
    };
}

function registered(req: any, resp: any): Registered {
    const serialized = req.getObject()?.toJavaScript() ?? {};
    return {
        type: req.getType(),
        name: req.getName(),
        urn: resp.getUrn(),
        inputs: unwrapSecrets(serialized),
        serialized,
        dependencies: req.getDependenciesList(),
        parent: req.getParent(),
        retainOnDelete: req.getRetainondelete(),
        aliases: aliasUrns(req, resp.getUrn()),
        ignoreChanges: req.getIgnorechangesList(),
        transforms: req.getTransformsList().map((c: Callback) => Number(c.getToken()) - 1),
    };
}

/**
 * The URN each alias of a registration stands for, as the engine resolves an alias spec: the
 * resource's own name, type, stack and project unless the spec gives others, under the spec's
 * parent (the resource's own parent unless the spec says none).
 */
function aliasUrns(req: any, urn: string): string[] {
    const [, stack, project] = /^urn:pulumi:(.*?)::(.*?)::/.exec(urn)!;
    return (req.getAliasesList() as any[]).map((a) => {
        if (a.getUrn() !== "") return a.getUrn() as string;
        const spec = a.getSpec();
        const parent: string = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
        const type: string = spec.getType() || req.getType();
        const chain = parent === "" ? type : `${parent.split("::")[2]}$${type}`;
        return `urn:pulumi:${spec.getStack() || stack}::${spec.getProject() || project}::${chain}::${spec.getName() || req.getName()}`;
    });
}

/** Runs the program and resolves its exports; its failure is returned, not thrown. */
async function runProgram(
    load: () => Program,
): Promise<{ outputs: Record<string, unknown>; secretOutputs: string[]; error?: unknown }> {
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    try {
        const exported = await load()();
        for (const [k, v] of Object.entries(exported)) {
            outputs[k] = await promiseOf(v as pulumi.Input<unknown>);
            if (pulumi.Output.isInstance(v) && (await pulumi.isSecret(v))) secretOutputs.push(k);
        }
        return { outputs, secretOutputs };
    } catch (e) {
        return { outputs, secretOutputs, error: e };
    }
}

function unwrapSecrets(v: any): any {
    if (isSecretMarked(v)) return unwrapSecrets(v.value);
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}
