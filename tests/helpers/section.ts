import { KubeObject } from "../../flux/install";
import { buildInstall } from "../../prepare/install";
import { ConfigProblem } from "../../stacks/errors";
import { Problems } from "../../stacks/problems";
import { RawConfig } from "../../stacks/raw";
import { SectionContext } from "../../stacks/sections/context";
import { parseFlux, ParsedFlux } from "../../stacks/sections/flux";

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

/**
 * The flux section as a stack run sees it: parseFlux, then the install step on its result.
 * The settings come back with the install's objects, the problems of both steps together.
 */
export async function runFlux(
    values: Record<string, unknown>,
    secret: string[] = [],
): Promise<{
    result: (ParsedFlux & { objects: KubeObject[] }) | undefined;
    problems: ConfigProblem[];
}> {
    const { result, problems } = await runSection(parseFlux, values, secret);
    if (result === undefined) return { result, problems };
    const built = await buildInstall(result, { baseDir: __dirname });
    const all = [...problems, ...built.problems].sort((a, b) => (a.key < b.key ? -1 : 1));
    return {
        result: built.objects === undefined ? undefined : { ...result, objects: built.objects },
        problems: all,
    };
}
