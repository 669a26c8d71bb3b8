import { z } from "zod";
import { Problems } from "../problems";
import { RawConfig } from "../raw";

/**
 * What every section parser gets.
 *
 * A section parser reads its own config key (and the secret keys it owns),
 * reports every problem it finds through `problems` — never throws for bad
 * input — and returns its validated settings with defaults filled in, or
 * `undefined` when it found a problem. To add a section, write one such
 * function in this folder and call it from `../parse.ts`; to add a key to a
 * section, extend its schema in `../schema.ts` and its parser here.
 */
export interface SectionContext {
    raw: RawConfig;
    problems: Problems;
    /** Directory relative file paths in the config are resolved against. */
    baseDir: string;
}

/** The value of a structured key checked against its schema; an unset key is an empty map. */
export function parseSection<S extends z.ZodType>(
    ctx: SectionContext,
    name: string,
    schema: S,
): z.output<S> | undefined {
    const value = ctx.raw[name]?.value ?? {};
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    ctx.problems.addZodIssues(name, r.error, value);
    return undefined;
}
