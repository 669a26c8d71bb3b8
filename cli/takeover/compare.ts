import { REPLACING_FIELDS, valueAt } from "../../flux/replacing-fields";
import { DesiredSecret } from "./desired";
import { Findings, findings } from "./findings";
import { describeRef, KubeObject, ObjectRef, refOf } from "./kube";

/** Spec fields the API server fills in from the CRD defaults; not a difference from the config. */
const SERVER_DEFAULTS: Record<string, Record<string, unknown>> = {
    Kustomization: { force: false },
    GitRepository: { timeout: "60s" },
};

/** Top-level spec fields that differ; `extra` lists live fields the config does not set. */
function specDiff(
    kind: string,
    live: Record<string, unknown>,
    want: Record<string, unknown>,
): { changed: [string, unknown, unknown][]; extra: [string, unknown][] } {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const changed: [string, unknown, unknown][] = [];
    const extra: [string, unknown][] = [];
    for (const [k, v] of Object.entries(want)) {
        if (!same(live[k], v)) changed.push([k, live[k], v]);
    }
    for (const [k, v] of Object.entries(live)) {
        if (k in want || same(SERVER_DEFAULTS[kind]?.[k], v)) continue;
        extra.push([k, v]);
    }
    return { changed, extra };
}

/** The spec fields `pulumi up` changes, and refusals of live fields the config does not set. */
export function compareSpec(
    live: KubeObject,
    want: Record<string, unknown>,
    configPrefix: string,
): Findings {
    const { changed, extra } = specDiff(live.kind, live.spec ?? {}, want);
    const name = describeRef(refOf(live));
    return findings({
        changes: changed.map(([field, from, to]) => ({
            object: name,
            field: `spec.${field}`,
            from,
            to,
        })),
        // Server-side apply never removes a field nobody owns: after the takeover it would stay for good.
        refusals: extra.map(
            ([field, value]) =>
                `${name} has spec.${field}: ${JSON.stringify(value)}, which ${configPrefix} does not set; after the takeover ` +
                "nothing would remove it: set it in the stack config or remove it from Git first",
        ),
    });
}

/**
 * Compares a Secret's data with the stack's values; values are never part of a message.
 * Keys the stack does not declare (`identity.pub` of `flux bootstrap`) and a final newline the
 * stack's value lacks are written away by the takeover before the import (its secretWrites).
 */
export function compareSecretData(ref: ObjectRef, live: KubeObject, s: DesiredSecret): Findings {
    const found = findings();
    for (const dataKey of Object.keys(live.data ?? {})) {
        if (dataKey in s.data) continue;
        found.secretWrites.push({ ref, dataKey, what: "removed: the stack does not declare it" });
    }
    for (const [dataKey, { value, configKey }] of Object.entries(s.data)) {
        const liveValue = live.data?.[dataKey];
        const decoded =
            liveValue === undefined ? undefined : Buffer.from(liveValue, "base64").toString("utf8");
        if (decoded === undefined) {
            found.changes.push({
                object: describeRef(ref),
                field: `data.${dataKey}`,
                from: "(absent)",
                to: `the value of ${configKey}`,
            });
        } else if (decoded !== value && decoded.trimEnd() === value.trimEnd()) {
            // `pulumi config set --secret k < file` drops the file's final newline; kubectl
            // --from-file keeps it. The same credential; age, SSH and known_hosts parsers
            // read it either way.
            found.secretWrites.push({
                ref,
                dataKey,
                value,
                what: `the value of ${configKey}, without the final newline the cluster's has`,
            });
        } else if (decoded !== value) {
            // Values are never shown: only which key differs and where it comes from.
            found.refusals.push(
                `${describeRef(ref)}: data key ${dataKey} differs from ${configKey}; set ${configKey} to the value in the cluster ` +
                    "(or rotate after the takeover), so the takeover changes no credential",
            );
        }
    }
    return found;
}

/** Refuses an install object whose live value of a replacing field differs from the stack's. */
export function compareReplacingFields(live: KubeObject, want: Record<string, unknown>): Findings {
    const found = findings();
    for (const path of REPLACING_FIELDS[live.kind] ?? []) {
        const [from, to] = [valueAt(live, path), valueAt(want, path)];
        if (to === undefined || JSON.stringify(from) === JSON.stringify(to)) continue;
        found.refusals.push(
            `${describeRef(refOf(live))}: ${path.join(".")} is ${JSON.stringify(from)} in the cluster and ` +
                `${JSON.stringify(to)} in the stack's install (flux-gitops:flux); @pulumi/kubernetes would replace it, ` +
                "which the engine refuses for an adopted object: take over with the bootstrap's own manifest " +
                "(flux.manifest, as docs/takeover.md step 1 says) and change the install afterwards",
        );
    }
    return found;
}
