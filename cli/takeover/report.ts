import { TAKEOVER_FIELD_MANAGER } from "../../flux/keys";
import { describeRef } from "./kube";
import { Plan } from "./plan";

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
    if (plan.root !== undefined) {
        const name = describeRef(plan.root.ref);
        out.push(
            `The root ${name} is neutralised, pruning nothing:`,
            "  1. suspend: true and deletionPolicy: Orphan (its finalizer then deletes nothing)",
            "  2. the Flux owner labels (kustomize.toolkit.fluxcd.io/name, /namespace) come off its objects",
            `  3. ${name} is deleted`,
            "  4. the Secret data above is written; on each adopted object, the fields kustomize-controller applied and kubectl wrote pass to the field",
            `     manager ${TAKEOVER_FIELD_MANAGER}, which \`pulumi up\` applies them with (no conflict, nothing forced)`,
        );
    }
    for (const n of plan.notes) out.push(`Note: ${n}`);
    if (plan.refusals.length > 0) {
        out.push(
            `Refusing to take over (${plan.refusals.length} problem${plan.refusals.length === 1 ? "" : "s"}); nothing was changed:`,
        );
        for (const r of plan.refusals) out.push(`  - ${r}`);
    }
    return out.join("\n");
}
