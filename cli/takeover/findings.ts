import { ObjectRef } from "./kube";

/** A field `pulumi up` will change on an adopted object. */
interface Change {
    object: string;
    field: string;
    from: unknown;
    to: unknown;
}

/**
 * Secret data the takeover writes as the stack has it before the import: a data change would
 * make @pulumi/kubernetes replace the Secret, which the engine refuses for an imported object.
 * Only a credential's final newline and keys the stack does not declare (`value` undefined:
 * the key is removed); any other difference is a refusal. Values stay in memory: never printed.
 */
interface SecretWrite {
    ref: ObjectRef;
    dataKey: string;
    value?: string;
    what: string;
}

/** What a step of the takeover's plan found; the plan holds every step's, in step order. */
export interface Findings {
    /** Each a reason not to proceed; the takeover touches nothing when there is one. */
    refusals: string[];
    /** Fields `pulumi up` will change on adopted objects. */
    changes: Change[];
    secretWrites: SecretWrite[];
    notes: string[];
}

/** Findings with only the given kinds set; the others empty. */
export function findings(some: Partial<Findings> = {}): Findings {
    return { refusals: [], changes: [], secretWrites: [], notes: [], ...some };
}

/** Appends `more` to `into`, kind by kind. */
export function addFindings(into: Findings, more: Findings): void {
    into.refusals.push(...more.refusals);
    into.changes.push(...more.changes);
    into.secretWrites.push(...more.secretWrites);
    into.notes.push(...more.notes);
}
