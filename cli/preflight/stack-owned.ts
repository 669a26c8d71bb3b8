import { ParsedConfig } from "../../stacks";
import { providerSecretData } from "../../flux/notifications";
import { keyed, PreflightContext, StackObject } from "./context";
import { Finding } from "./findings";
import { LayerContents } from "./layer-contents";

/** The Providers, Alerts, Receiver and their Secrets the stack declares. */
export function stackDeclared(c: Pick<ParsedConfig, "notifications" | "receiver">): StackObject[] {
    const providers = c.notifications.providers.flatMap((p) => [
        { kind: "Provider", name: p.name, key: ["notifications", "providers", p.name] },
        ...(providerSecretData(p) === undefined
            ? []
            : [
                  {
                      kind: "Secret",
                      name: p.secretName,
                      key: ["notifications", "providers", p.name, "secretName"],
                  },
              ]),
    ]);
    const alerts = c.notifications.alerts.map((a) => ({
        kind: "Alert",
        name: a.name,
        key: ["notifications", "alerts"],
    }));
    const receiver =
        c.receiver === null
            ? []
            : [
                  { kind: "Receiver", name: c.receiver.name, key: ["receiver", "name"] },
                  { kind: "Secret", name: c.receiver.secretName, key: ["receiver", "secretName"] },
              ];
    return [...providers, ...alerts, ...receiver];
}

/**
 * An object both a layer and the stack declare would have two owners: Flux
 * would apply the repository's version at every interval, Pulumi its own at
 * every `up`, each undoing the other (a token in plain Git besides).
 */
export function checkStackOwned(ctx: PreflightContext, all: LayerContents[]): Finding[] {
    const findings: Finding[] = [];
    for (const c of all) {
        for (const o of c.objects) {
            if (o.namespace !== ctx.source.namespace) continue;
            const mine = ctx.declared.find((d) => d.kind === o.kind && d.name === o.name);
            if (mine === undefined) continue;
            findings.push({
                severity: "error",
                rule: "stack-owned",
                file: o.doc.file,
                line: o.doc.line(),
                message:
                    `layer ${c.layer.name}: ${o.kind} ${o.namespace}/${o.name} is declared by the stack too; ` +
                    "Flux and Pulumi would each undo the other's changes: remove it from the repository, " +
                    "or from the stack's config",
                ...keyed(ctx, mine.key),
            });
        }
    }
    return findings;
}
