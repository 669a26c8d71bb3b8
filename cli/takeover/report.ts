import { TAKEOVER_FIELD_MANAGER } from "../../flux/keys";
import { describeRef } from "./kube";
import { Plan } from "./plan";
import { fromWhere, LEAVE_UNRECONCILED } from "./unreconciled";

const show = (v: unknown) => (v === undefined ? "(unset)" : JSON.stringify(v));

/** The plan as the takeover command prints it: what was found, what happens, what blocks it. */
export function formatPlan(stack: string, plan: Plan): string {
    const out: string[] = [];
    if (plan.root !== undefined) {
        out.push(
            `Found the bootstrap of stack ${stack}: Flux ${plan.fluxVersion ?? "?"}, root ` +
                `${describeRef(plan.root.ref)} (path ${plan.root.path}, prune: ${plan.root.prune}, source ${plan.root.sourceName}).`,
        );
    }
    out.push(...adoption(plan), ...unowned(plan), ...neutralisation(plan));
    for (const n of plan.notes) out.push(`Note: ${n}`);
    if (plan.refusals.length > 0) {
        out.push(
            `Refusing to take over (${plan.refusals.length} problem${plan.refusals.length === 1 ? "" : "s"}); nothing was changed:`,
        );
        for (const r of plan.refusals) out.push(`  - ${r}`);
    }
    return out.join("\n");
}

/** What Pulumi adopts, creates and changes, and the Secret data written first. */
function adoption(plan: Plan): string[] {
    const out: string[] = [];
    if (plan.adopted.length > 0) {
        out.push(
            "Will adopt (listed in flux-gitops:takeover; the next `pulumi up` imports each: the same object, same UID):",
        );
        for (const r of plan.adopted) out.push(`  ${describeRef(r)}`);
    }
    if (plan.created.length > 0) {
        out.push("Not in the cluster yet, `pulumi up` will create:");
        for (const c of plan.created) out.push(`  ${c}`);
    }
    out.push(
        plan.changes.length > 0
            ? "`pulumi up` will then change, in place:"
            : "`pulumi up` will change no field of the source, the Secrets or the layers.",
    );
    for (const c of plan.changes)
        out.push(`  ${c.object}: ${c.field} ${show(c.from)} -> ${show(c.to)}`);
    if (plan.secretWrites.length > 0) {
        out.push(
            "Written by the takeover before the import (a Secret's data change would be a replacement, which the",
            "engine refuses for an imported object):",
        );
        for (const w of plan.secretWrites)
            out.push(`  ${describeRef(w.ref)}: data.${w.dataKey}: ${w.what}`);
    }
    if (plan.adopted.length > 0) {
        out.push(
            "`pulumi preview` shows each adopted object as an import, then an update wherever the stack differs from",
            "the cluster (the install's objects are compared there); the engine refuses to replace an imported object.",
        );
    }
    return out;
}

/**
 * What becomes of the root's objects the stack does not declare. Unreconciled ones are listed
 * here when accepted (--leave-unreconciled); otherwise the refusals name them.
 */
function unowned(plan: Plan): string[] {
    const out: string[] = [];
    if (plan.kept.length > 0) {
        out.push(
            "Kept, and reconciled by the layer that applies them too (the root applied them as well):",
        );
        for (const k of plan.kept)
            out.push(`  ${describeRef(k.ref)}: ${k.by.map(describeRef).join(", ")}`);
    }
    if (plan.covered.length > 0) {
        out.push(
            "Applied only by the root, from a folder a layer of the stack will apply: reconciled again once `pulumi up` has applied the layer:",
        );
        for (const c of plan.covered)
            out.push(`  ${describeRef(c.ref)}: ${c.folder}, layer ${c.layer}`);
    }
    if (plan.root === undefined || plan.unreconciled.length === 0 || !plan.leaveUnreconciled) {
        return out;
    }
    out.push(
        `No longer reconciled by anything after the takeover (${LEAVE_UNRECONCILED}): they stay in the cluster as they are, but`,
        "a commit to their folder no longer deploys, a deletion from Git no longer prunes them and drift is not corrected:",
    );
    for (const u of plan.unreconciled) {
        const line = `  ${describeRef(u.ref)} (${fromWhere(u, plan.root)})`;
        out.push(
            u.applies === undefined
                ? line
                : `${line}: it keeps applying ${u.applies.path}, but its own definition is no longer reconciled`,
        );
    }
    return out;
}

/** How the root is taken out of the way. */
function neutralisation(plan: Plan): string[] {
    if (plan.root === undefined) return [];
    const name = describeRef(plan.root.ref);
    return [
        `The root ${name} is neutralised, pruning nothing:`,
        "  1. suspend: true and deletionPolicy: Orphan (its finalizer then deletes nothing)",
        "  2. the Flux owner labels (kustomize.toolkit.fluxcd.io/name, /namespace) come off its objects",
        `  3. ${name} is deleted`,
        "  4. the Secret data above is written; on each adopted object, the fields kustomize-controller applied and kubectl wrote pass to the field",
        `     manager ${TAKEOVER_FIELD_MANAGER}, which \`pulumi up\` applies them with (no conflict, nothing forced)`,
    ];
}
