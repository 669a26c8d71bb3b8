import { OBJECT_KEY_PATTERN } from "../../flux/keys";
import { FieldDoc } from "../schema";
import { SectionContext } from "./context";

/** `takeover` in the config reference. */
export const TAKEOVER_DOC: FieldDoc = {
    type: "list of `Kind namespace/name` (or `Kind name` for a cluster-scoped object)",
    default: "unset",
    description:
        "Written by `npm run takeover -- --stack <name> --yes`: the live objects the next `pulumi up` imports instead of creating. Remove it after that `up` ([takeover.md](takeover.md)).",
    example: "`[Namespace flux-system, Secret flux-system/sops-age]`",
};

const EXPECTED =
    "the list of objects to adopt that `npm run takeover -- --stack <name> --yes` writes, " +
    "each `Kind namespace/name` (or `Kind name` for a cluster-scoped object)";

/**
 * `takeover`: the live objects of a flux-bootstrapped cluster that the next `pulumi up`
 * imports instead of creating (components/adoption.ts). Written by `npm run takeover` once it
 * has released them from the bootstrap; unset means nothing is imported.
 */
export function parseTakeover(ctx: SectionContext): string[] | undefined {
    const raw = ctx.raw.takeover;
    if (raw === undefined) return [];
    const value = raw.value;
    if (value === true || value === "true") {
        // What earlier versions of `npm run takeover` wrote: it did not say which objects exist.
        ctx.problems.add(
            "takeover",
            [],
            value,
            `${EXPECTED}: run \`npm run takeover -- --stack <name> --yes --resume\` to write it`,
        );
        return undefined;
    }
    if (!Array.isArray(value)) {
        ctx.problems.add("takeover", [], value, EXPECTED);
        return undefined;
    }
    const seen = new Set<string>();
    let ok = true;
    value.forEach((entry, i) => {
        if (typeof entry !== "string" || !OBJECT_KEY_PATTERN.test(entry)) {
            ctx.problems.add("takeover", [i], entry, "`Kind namespace/name` or `Kind name`");
            ok = false;
        } else if (seen.has(entry)) {
            ctx.problems.add("takeover", [i], entry, "each object once");
            ok = false;
        }
        seen.add(String(entry));
    });
    return ok ? (value as string[]) : undefined;
}
