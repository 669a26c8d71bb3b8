import { isSecretMarked, Registered } from "./mocks";

/** The serialized inputs with every secret-marked part replaced, as state and diffs show them. */
export function unmarkedParts(v: any): any {
    if (isSecretMarked(v)) return "[secret]";
    if (Array.isArray(v)) return v.map(unmarkedParts);
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unmarkedParts(x)]));
    }
    return v;
}

/** Names of the resources whose unmarked inputs contain `text`. */
export function plainCarriers(resources: Registered[], text: string): string[] {
    return resources
        .filter((r) => JSON.stringify(unmarkedParts(r.serialized)).includes(text))
        .map((r) => `${r.type} ${r.name}`);
}
