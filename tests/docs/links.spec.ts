import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../helpers/stack-file";

/** The documentation whose relative links must resolve. */
function documents(): string[] {
    const docs = fs
        .readdirSync(path.join(PROJECT_DIR, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`);
    return ["README.md", "CONTRIBUTING.md", "bench/README.md", ...docs];
}

/** The text outside fenced code blocks and inline code, where Markdown links are links. */
function prose(markdown: string): string[] {
    let fenced = false;
    const out: string[] = [];
    for (const line of markdown.split("\n")) {
        if (/^\s*(```|~~~)/.test(line)) {
            fenced = !fenced;
            continue;
        }
        if (!fenced) out.push(line.replace(/`[^`]*`/g, ""));
    }
    return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
function githubAnchors(markdown: string): Set<string> {
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    let fenced = false;
    for (const line of markdown.split("\n")) {
        if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
        const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (m === null) continue;
        const text = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
        const base = text
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\p{M} _-]/gu, "")
            .replace(/ /g, "-");
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    return anchors;
}

/** Every `[text](target)` link of a Markdown file that is not an absolute URL. */
function relativeLinks(markdown: string): string[] {
    const links: string[] = [];
    for (const line of prose(markdown)) {
        for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
            if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1])) links.push(m[1]);
        }
    }
    return links;
}

describe("documentation links", () => {
    it("GitHub's anchors are computed as GitHub does", () => {
        const md =
            "# Set up\n## `pulumi destroy`: what it does\n## Set up\n```\n# not a heading\n```";
        expect([...githubAnchors(md)]).to.deep.equal([
            "set-up",
            "pulumi-destroy-what-it-does",
            "set-up-1",
        ]);
    });

    for (const doc of documents()) {
        it(`every relative link of ${doc} resolves`, () => {
            const file = path.join(PROJECT_DIR, doc);
            const markdown = fs.readFileSync(file, "utf8");
            const broken: string[] = [];
            for (const link of relativeLinks(markdown)) {
                const [target, anchor] = link.split("#", 2);
                const resolved = target === "" ? file : path.resolve(path.dirname(file), target);
                if (!fs.existsSync(resolved)) {
                    broken.push(`${link}: no such file`);
                    continue;
                }
                if (anchor !== undefined && anchor !== "") {
                    if (!resolved.endsWith(".md")) {
                        broken.push(`${link}: an anchor into a file that is not Markdown`);
                    } else if (!githubAnchors(fs.readFileSync(resolved, "utf8")).has(anchor)) {
                        broken.push(`${link}: no heading with that anchor`);
                    }
                }
            }
            expect(broken).to.deep.equal([]);
        });
    }

    it("the documentation links to every file of docs/ from README.md", () => {
        const readme = relativeLinks(fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8"));
        for (const doc of documents().filter((d) => d.startsWith("docs/"))) {
            expect(readme, doc).to.include(doc);
        }
    });
});
