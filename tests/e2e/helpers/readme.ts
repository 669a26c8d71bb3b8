/**
 * README as the source of the commands the end-to-end suite runs: the shell blocks of a
 * section, split into command lines, with a small table of substitutions for what differs on
 * the test machine (repository URL, Git host, stack name). A substitution that no longer
 * matches README is an error, so README cannot drift away from what is tested.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_DIR } from "./pulumi-cli";

/** The ```bash blocks under the `## <heading>` section of README.md (up to the next `## `). */
export function readmeShellBlocks(heading: string, readme = readReadme()): string[] {
    const lines = readme.split("\n");
    const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
    if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
    const endOffset = lines.slice(start + 1).findIndex((l) => l.startsWith("## "));
    const section = lines.slice(start + 1, endOffset < 0 ? undefined : start + 1 + endOffset);
    const blocks: string[] = [];
    let current: string[] | undefined;
    for (const line of section) {
        if (current === undefined && /^```(bash|sh|shell)\s*$/.test(line)) current = [];
        else if (current !== undefined && line.startsWith("```")) {
            blocks.push(current.join("\n"));
            current = undefined;
        } else current?.push(line);
    }
    return blocks;
}

/** The command lines of `blocks`: blank lines and whole-line comments dropped, trailing comments kept. */
export function commandLines(blocks: string[]): string[] {
    return blocks
        .flatMap((b) => b.split("\n"))
        .map((l) => l.trim())
        .filter((l) => l !== "" && !l.startsWith("#"));
}

/** A literal replacement in the commands; `count` is how often it must match (default: once). */
export interface Substitution {
    from: string;
    to: string;
    count?: number;
}

/** Applies each substitution to `commands`, failing when one does not match exactly as often as expected. */
export function substitute(commands: string[], substitutions: Substitution[]): string[] {
    let out = commands;
    for (const s of substitutions) {
        const found = out.reduce((n, c) => n + c.split(s.from).length - 1, 0);
        if (found !== (s.count ?? 1)) {
            throw new Error(
                `README's commands contain ${JSON.stringify(s.from)} ${found} times, expected ${s.count ?? 1}: ` +
                    `update README or the substitutions of the README test`,
            );
        }
        out = out.map((c) => c.split(s.from).join(s.to));
    }
    return out;
}

/** Removes the commands matching `pattern` (each must exist), returning the rest. */
export function without(commands: string[], pattern: RegExp): string[] {
    if (!commands.some((c) => pattern.test(c))) {
        throw new Error(`no README command matches ${pattern}: update the README test`);
    }
    return commands.filter((c) => !pattern.test(c));
}

function readReadme(): string {
    return fs.readFileSync(path.join(REPO_DIR, "README.md"), "utf8");
}
