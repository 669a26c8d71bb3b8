import { z } from "zod";
import { Problems } from "../problems";
import { RawConfig } from "../raw";

/**
 * What every section parser gets.
 *
 * A section parser reads its own config key (and the secret keys it owns),
 * reports every problem it finds through `problems` — never throws for bad
 * input — and returns its validated settings (the schema fills in the defaults), or
 * `undefined` when it found a problem. To add a section, write one such
 * function in this folder, call it from `../parse.ts` and list its schema in
 * `../config-schema.ts`; to add a field, declare it in its section's schema
 * (`../*-schema.ts`); the parser changes only when the field depends on others.
 */
export interface SectionContext {
    raw: RawConfig;
    problems: Problems;
    /** Directory relative file paths in the config are resolved against. */
    baseDir: string;
}

/** `{confidential: true}` when `name` is stored as a secret, to spread into a section's result. */
export function confidential(ctx: SectionContext, name: string): { confidential?: true } {
    return ctx.raw[name]?.secret === true ? { confidential: true } : {};
}

/**
 * Warns that a key stored as a secret holds only values that cannot stay secret:
 * object names and annotations, which Kubernetes shows to anyone who may list
 * the objects, and which no field of the key needs to hide.
 */
export function warnPlainOnly(ctx: SectionContext, name: string, where: string): void {
    if (ctx.raw[name]?.secret !== true) return;
    ctx.problems.warn(
        name,
        [],
        undefined,
        `stored as a secret, but its values become ${where}, which Kubernetes shows in plain text; ` +
            `they are used as plain values. Nothing in it is confidential: set it without --secret`,
    );
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
