import { configKey } from "../problems";
import { plainAllowed } from "../secret-keys";
import { SectionContext } from "./context";

export { SECRET_KEYS, SecretKey } from "../secret-keys";

/**
 * The text of a secret key: a non-empty string, stored with --secret unless it
 * may be plain. Reports what is wrong and returns undefined otherwise.
 */
export function readSecret(ctx: SectionContext, name: string): string | undefined {
    const v = ctx.raw[name];
    if (v === undefined) return undefined;
    if (typeof v.value !== "string" || v.value.trim() === "") {
        ctx.problems.add(name, [], v.value, "a non-empty string");
        return undefined;
    }
    if (!v.secret && !plainAllowed(name)) {
        ctx.problems.addDescribed(
            name,
            [],
            "[stored in plain text, not shown]",
            `a secret: set it with \`pulumi config set --secret ${configKey([name])}\` (and remove the plain value)`,
        );
        return undefined;
    }
    return v.value;
}

/** A problem of a secret key, whose value is never shown. */
export function secretProblem(ctx: SectionContext, name: string, expected: string): void {
    ctx.problems.addDescribed(
        name,
        [],
        ctx.raw[name] === undefined ? "(not set)" : "[secret]",
        expected,
    );
}
