import { expect } from "chai";
import { parse } from "yaml";
import { SIZE_PRESETS } from "../../flux/install";
import { parseStackConfig, RawConfig } from "../../stacks";
import {
    codeBlocks,
    commandLines,
    readDoc,
    sectionLines,
    shellBlocks,
} from "../e2e/helpers/readme";

const DOC = "docs/day2.md";
const P = "flux-gitops:";

/** The `config:` of the YAML block under `heading`, keys without the project prefix. */
function configExample(heading: string): Record<string, unknown> {
    // Stack file examples only: a section may also show a Kubernetes object (the Ingress).
    const blocks = codeBlocks(readDoc(DOC), heading, /^ya?ml$/, DOC)
        .map((b) => parse(b))
        .filter((b) => b.config !== undefined);
    expect(blocks, heading).to.have.length(1);
    const config = blocks[0].config as Record<string, unknown>;
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.slice(P.length), v]));
}

/** The keys the section's commands set with --secret. */
function secretKeysSet(heading: string): string[] {
    return commandLines(shellBlocks(readDoc(DOC), heading, DOC))
        .map((c) => / --secret (flux-gitops:[A-Za-z]+)/.exec(c)?.[1])
        .filter((k): k is string => k !== undefined)
        .map((k) => k.slice(P.length));
}

describe("docs/day2.md", () => {
    let base: RawConfig;
    before(async () => {
        const age = await import("age-encryption");
        base = {
            git: { value: { url: "https://git.example.test/org/gitops.git" }, secret: false },
            ageKey: { value: await age.generateX25519Identity(), secret: true },
        };
    });

    for (const heading of ["### Slack", "### A commit status on GitHub", "## A push webhook"]) {
        it(`"${heading.replace(/^#+ /, "")}": the example with the secrets its commands set is accepted`, async () => {
            const raw: RawConfig = { ...base };
            for (const [k, value] of Object.entries(configExample(heading))) {
                raw[k] = { value, secret: false };
            }
            const secrets = secretKeysSet(heading);
            expect(secrets, heading).to.have.length(1);
            for (const k of secrets) {
                raw[k] = { value: "https://hooks.example.test/services/x", secret: true };
            }
            const r = await parseStackConfig(raw);
            expect(r.ok ? [] : r.problems).to.deep.equal([]);
        });
    }

    it("gives the size presets the code applies", () => {
        const rows = sectionLines(readDoc(DOC), "## Size presets", DOC)
            .filter((l) => /^\| `(small|medium|large)`/.test(l))
            .map((l) =>
                l
                    .split("|")
                    .slice(1, -1)
                    .map((c) => c.trim().replace(/`/g, "")),
            );
        expect(rows).to.deep.equal(
            Object.entries(SIZE_PRESETS).map(([size, p]) => [
                size,
                String(p.concurrent),
                p.cpu,
                p.memory,
                p.requeueDependency,
            ]),
        );
    });
});
