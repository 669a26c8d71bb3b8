import { ConfigProblem } from "../../stacks/errors";
import { Problems } from "../../stacks/problems";
import { RawConfig } from "../../stacks/raw";
import { SectionContext } from "../../stacks/sections/context";

/** Runs one section parser on `raw` (values plain unless listed in `secret`). */
export async function runSection<T>(
    parse: (ctx: SectionContext) => T | Promise<T>,
    values: Record<string, unknown>,
    secret: string[] = [],
): Promise<{ result: T; problems: ConfigProblem[] }> {
    const raw: RawConfig = Object.fromEntries(
        Object.entries(values).map(([k, value]) => [k, { value, secret: secret.includes(k) }]),
    );
    const ctx: SectionContext = { raw, problems: new Problems(raw), baseDir: __dirname };
    const result = await parse(ctx);
    return { result, problems: ctx.problems.sorted() };
}

/** `key: expected` of each problem, for compact assertions. */
export function keysOf(problems: ConfigProblem[]): string[] {
    return problems.map((p) => p.key);
}
