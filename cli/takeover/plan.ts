import { compareReplacingFields, compareSecretData, compareSpec } from "./compare";
import { Desired } from "./desired";
import { addFindings, Findings, findings } from "./findings";
import { Fates, sortUnowned } from "./inventory";
import { describeRef, Kube, KubeObject, ObjectRef } from "./kube";
import { findRoot, KUSTOMIZE_GROUP, kustomizationRef, Root, sameRef, sourceRef } from "./root";
import { checkUnreconciled } from "./unreconciled";

/** The Flux minor releases (v2.x) whose `flux bootstrap` layout this takeover handles. */
const HANDLED_FLUX_MINORS = [7, 8, 9];

/**
 * What the takeover found and will do, or why it will not. Fates: what becomes of each object
 * of `leftAlone` (kept by another Kustomization, covered by a layer, or unreconciled).
 */
export interface Plan extends Findings, Fates {
    root?: Root;
    fluxVersion?: string;
    /** Objects of the bootstrap's inventory that Pulumi will own from now on (the root excluded). */
    adopted: ObjectRef[];
    /** The stack's objects that are not in the cluster yet. */
    created: string[];
    /** Inventory objects the stack does not declare: they stay in the cluster, Pulumi does not own them. */
    leftAlone: ObjectRef[];
    /** `unreconciled` is accepted (--leave-unreconciled), not refused. */
    leaveUnreconciled: boolean;
}

interface PlanOptions {
    /** An earlier run deleted the root already. */
    resume?: boolean;
    /** Objects only the root applied that nothing will reconcile are accepted, not refused. */
    leaveUnreconciled?: boolean;
}

/** A live object by its ref, as read once by readDeclared. */
type LiveOf = (r: ObjectRef) => KubeObject | undefined;

/**
 * Reads the cluster (nothing is written) and compares it with what the stack declares, step by
 * step; each step's findings are added in that order. No Flux CRD, or no root (see findRoot),
 * ends the plan with that refusal.
 */
export function planTakeover(kube: Kube, want: Desired, opts: PlanOptions = {}): Plan {
    const plan: Plan = {
        ...findings(),
        adopted: [],
        created: [],
        leftAlone: [],
        kept: [],
        covered: [],
        unreconciled: [],
        leaveUnreconciled: opts.leaveUnreconciled === true,
    };
    const crd = kube.get({
        group: "apiextensions.k8s.io",
        version: "v1",
        kind: "CustomResourceDefinition",
        namespace: "",
        name: `kustomizations.${KUSTOMIZE_GROUP}`,
    });
    if (crd === undefined) {
        plan.refusals.push(
            `no Flux bootstrap found: the cluster has no Kustomization CRD (kustomizations.${KUSTOMIZE_GROUP}). ` +
                "For a cluster without Flux, run `pulumi up` directly.",
        );
        return plan;
    }
    plan.fluxVersion = crd.metadata.labels?.["app.kubernetes.io/version"];
    addFindings(plan, checkVersion(plan.fluxVersion, want.fluxVersion));
    const start = findRoot(kube, want, opts.resume === true);
    if (!start.ok) {
        plan.refusals.push(start.refusal);
        return plan;
    }
    plan.root = start.root;
    addFindings(plan, start.findings);
    const declared = readDeclared(kube, want);
    plan.adopted = declared.adopted;
    plan.created = declared.created;
    addFindings(plan, compareInstall(want, declared.liveOf));
    addFindings(plan, checkReadiness(want, declared.liveOf));
    addFindings(plan, checkSecrets(want, declared.liveOf));
    addFindings(plan, checkNotifications(want, declared.liveOf));
    plan.leftAlone = start.inventory.filter((r) => !want.objects.some((d) => sameRef(d, r)));
    if (start.root !== undefined) {
        Object.assign(plan, sortUnowned(kube, want, start.root, plan.leftAlone));
        const { unreconciled, leaveUnreconciled } = plan;
        addFindings(plan, checkUnreconciled(start.root, unreconciled, want, leaveUnreconciled));
    }
    return plan;
}

/** The bootstrap's Flux must be a release this takeover handles; an upgrade is a change. */
function checkVersion(live: string | undefined, want: string): Findings {
    const m = /^v2\.(\d+)\.\d+$/.exec(live ?? "");
    if (m === null || !HANDLED_FLUX_MINORS.includes(Number(m[1]))) {
        return findings({
            refusals: [
                `Flux version ${live ?? "(unknown: the CRD has no app.kubernetes.io/version label)"} is not one this takeover handles: ` +
                    `expected v2.${HANDLED_FLUX_MINORS[0]}.x to v2.${HANDLED_FLUX_MINORS.at(-1)}.x, as installed by \`flux bootstrap\`. ` +
                    "Upgrade the cluster with `flux bootstrap` first.",
            ],
        });
    }
    if (live === want) return findings();
    return findings({
        changes: [
            { object: "Flux install", field: "version (flux.version)", from: live, to: want },
        ],
    });
}

/**
 * Every object the stack declares is imported when it exists, created when it does not. Each
 * is read once; the later steps look it up by its `Kind namespace/name`.
 */
function readDeclared(kube: Kube, want: Desired) {
    const live = new Map<string, KubeObject | undefined>();
    const adopted: ObjectRef[] = [];
    const created: string[] = [];
    for (const d of want.objects) {
        const o = kube.get(d);
        live.set(describeRef(d), o);
        if (o === undefined) created.push(describeRef(d));
        else adopted.push(d);
    }
    const liveOf: LiveOf = (r) => live.get(describeRef(r));
    return { adopted, created, liveOf };
}

/** The install's objects must not differ in a field that would make Pulumi replace them. */
function compareInstall(want: Desired, liveOf: LiveOf): Findings {
    const found = findings();
    for (const { ref, object } of want.install) {
        const o = liveOf(ref);
        if (o !== undefined) addFindings(found, compareReplacingFields(o, object));
    }
    return found;
}

/**
 * The source and every layer must be Ready (a suspended layer may not be): a takeover must not
 * hide a broken cluster. Their specs are compared with the stack's.
 */
function checkReadiness(want: Desired, liveOf: LiveOf): Findings {
    const found = findings();
    const repoRef = sourceRef(want);
    const repo = liveOf(repoRef);
    if (repo !== undefined) {
        const r = readyOf(repo);
        if (!r.ok) {
            found.refusals.push(
                `${describeRef(repoRef)} is not Ready (${r.message}); fix the source first`,
            );
        }
        addFindings(found, compareSpec(repo, want.repository.spec, "flux-gitops:git"));
    }
    for (const l of want.layers) {
        const ref = kustomizationRef(want.namespace, l.name);
        const layer = liveOf(ref);
        if (layer === undefined) continue;
        const r = readyOf(layer);
        if (!r.ok && layer.spec?.suspend !== true) {
            found.refusals.push(
                `${describeRef(ref)} is not Ready (${r.message}); fix the layer first`,
            );
        }
        addFindings(found, compareSpec(layer, l.spec, `flux-gitops:layers.${l.name}`));
    }
    return found;
}

function readyOf(o: KubeObject): { ok: boolean; message: string } {
    const c = (o.status?.conditions ?? []).find((x: { type: string }) => x.type === "Ready");
    if (c === undefined) return { ok: false, message: "no Ready condition yet" };
    return { ok: c.status === "True", message: `${c.reason ?? ""}: ${c.message ?? ""}` };
}

/** The Secrets must have the type the stack declares (Opaque) and its data. */
function checkSecrets(want: Desired, liveOf: LiveOf): Findings {
    const found = findings();
    for (const s of want.secrets) {
        const ref: ObjectRef = {
            group: "",
            version: "v1",
            kind: "Secret",
            namespace: want.namespace,
            name: s.name,
        };
        const secret = liveOf(ref);
        if (secret === undefined) continue;
        if ((secret.type ?? "Opaque") !== "Opaque") {
            found.refusals.push(
                `${describeRef(ref)} has type ${secret.type}; the stack declares type Opaque, and a Secret's type cannot change ` +
                    "in place: re-create it with type Opaque (kubectl create secret generic) before the takeover",
            );
        }
        addFindings(found, compareSecretData(ref, secret, s));
    }
    return found;
}

/**
 * The takeover does not adopt Providers, Alerts, Receivers or their Secrets: it would have
 * to compare their specs and tokens, which it does not. It refuses when the stack declares
 * one that exists already (the import would take it unchecked).
 */
function checkNotifications(want: Desired, liveOf: LiveOf): Findings {
    const refusals = want.notifications
        .filter((r) => liveOf(r) !== undefined)
        .map(
            (r) =>
                `${describeRef(r)} exists, and the stack declares it (flux-gitops:notifications or ` +
                "flux-gitops:receiver); the takeover does not adopt notification objects: unset those " +
                "keys (or rename the object) for the takeover, and set them after its `pulumi up`",
        );
    return findings({ refusals });
}
