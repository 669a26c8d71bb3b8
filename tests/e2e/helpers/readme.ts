/**
 * The documentation as the source of the commands the end-to-end suite runs: the shell blocks
 * under a heading of a Markdown file (README.md, docs/*.md), split into command lines, with a
 * small table of substitutions for what differs on the test machine (repository URL, Git host,
 * stack name). A heading that is gone, or a substitution that no longer matches, is an error,
 * so the documentation cannot drift away from what is tested.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_DIR } from "./pulumi-cli";

/** A section of a document: the file (relative to the repository root) and its heading line. */
export interface DocSection {
    doc: string;
    /** The whole heading line, with its `#`s: `## Set up`, `### Preview and deploy`. */
    heading: string;
}

/**
 * Where the commands the end-to-end suites run are documented. tests/docs/commands.cli.ts
 * checks in the unit suite that each of these headings exists and holds the expected commands.
 */
export const DOCUMENTED = {
    /** npm ci, `pulumi stack select --create prod`, the `pulumi config set` lines. */
    setUp: { doc: "README.md", heading: "### Configure the stack" },
    /** `pulumi preview`, `pulumi up`, `pulumi stack output ageRecipients`, each `--stack prod`. */
    deploy: { doc: "README.md", heading: "### Preview and deploy" },
    /** Holds the config example `pulumi config set --path 'layers.apps.interval' 5m`. */
    configExample: { doc: "README.md", heading: "### Change a setting" },
    /** `pulumi stack output layerStatus` and `sourceRevision`, each `--stack prod`. */
    day2Status: { doc: "docs/day2.md", heading: "## Status in the outputs" },
    /** `pulumi config set … receiverToken`, `pulumi up`, `pulumi stack output receiverWebhookPath`. */
    day2Webhook: { doc: "docs/day2.md", heading: "## A push webhook" },
    /** `pulumi config set --stack prod --path 'flux.size' large`. */
    day2Size: { doc: "docs/day2.md", heading: "## Size presets" },
} as const satisfies Record<string, DocSection>;

/** The heading level of a Markdown heading line (1 for `#`), or undefined. */
function headingLevel(line: string): number | undefined {
    const m = /^(#{1,6})\s/.exec(line);
    return m === null ? undefined : m[1].length;
}

/**
 * The lines under `heading` (the whole heading line, e.g. `### Preview and deploy`) up to the
 * next heading of the same or a higher level. Lines inside code fences are never headings
 * (a shell comment is not a title).
 */
export function sectionLines(markdown: string, heading: string, doc = "the document"): string[] {
    const lines = markdown.split("\n");
    const level = headingLevel(heading);
    if (level === undefined) throw new Error(`"${heading}" is not a Markdown heading line`);
    let fenced = false;
    let start: number | undefined;
    for (const [i, line] of lines.entries()) {
        if (/^(```|~~~)/.test(line)) fenced = !fenced;
        if (fenced || line.startsWith("```") || line.startsWith("~~~")) continue;
        const l = headingLevel(line);
        if (start === undefined) {
            if (line.trim() === heading) start = i;
        } else if (l !== undefined && l <= level) {
            return lines.slice(start + 1, i);
        }
    }
    if (start === undefined) throw new Error(`${doc} has no heading "${heading}"`);
    return lines.slice(start + 1);
}

/** The fenced code blocks of a language matching `lang` in the section under `heading`. */
export function codeBlocks(
    markdown: string,
    heading: string,
    lang: RegExp,
    doc = "the document",
): string[] {
    const blocks: string[] = [];
    let current: string[] | undefined;
    let other = false;
    for (const line of sectionLines(markdown, heading, doc)) {
        const fence = /^```\s*(\S*)\s*$/.exec(line);
        if (current === undefined && !other && fence !== null) {
            if (lang.test(fence[1])) current = [];
            else other = true;
        } else if (line.startsWith("```")) {
            if (current !== undefined) blocks.push(current.join("\n"));
            current = undefined;
            other = false;
        } else current?.push(line);
    }
    return blocks;
}

/** The ```bash (or sh, shell) blocks in the section under `heading` of `markdown`. */
export function shellBlocks(markdown: string, heading: string, doc = "the document"): string[] {
    return codeBlocks(markdown, heading, /^(bash|sh|shell)$/, doc);
}

/** The shell blocks of a documented section, read from its file in the repository. */
export function docShellBlocks(section: DocSection): string[] {
    return shellBlocks(readDoc(section.doc), section.heading, section.doc);
}

/** The text of a documented section, read from its file in the repository. */
export function docSectionText(section: DocSection): string {
    return sectionLines(readDoc(section.doc), section.heading, section.doc).join("\n");
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
                `the documented commands contain ${JSON.stringify(s.from)} ${found} times, expected ${s.count ?? 1}: ` +
                    `update the documentation or the substitutions of the test`,
            );
        }
        out = out.map((c) => c.split(s.from).join(s.to));
    }
    return out;
}

/** Removes the commands matching `pattern` (each must exist), returning the rest. */
export function without(commands: string[], pattern: RegExp): string[] {
    if (!commands.some((c) => pattern.test(c))) {
        throw new Error(`no documented command matches ${pattern}: update the test`);
    }
    return commands.filter((c) => !pattern.test(c));
}

/** A Markdown file of the repository, by its path from the repository root. */
export function readDoc(doc: string): string {
    return fs.readFileSync(path.join(REPO_DIR, doc), "utf8");
}
