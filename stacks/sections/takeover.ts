import { SectionContext } from "./context";

/**
 * `takeover`: set by `npm run takeover` once it has released a flux-bootstrapped
 * cluster's objects, so the next `up` says it adopts them. `pulumi config set`
 * stores the text "true", so the text forms count as the booleans.
 */
export function parseTakeover(ctx: SectionContext): boolean | undefined {
    const value = ctx.raw.takeover?.value ?? false;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    ctx.problems.add("takeover", [], value, "true or false");
    return undefined;
}
