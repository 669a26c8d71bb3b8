import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ociSchema } from "../stacks/oci-schema";
import { SECTION_KEYS } from "../stacks/problems";
import { fluxSchema, gitSchema, layerSchema, readinessSchema, sopsSchema } from "../stacks/schema";
import { SECRET_KEYS } from "../stacks/secret-keys";
import { PROJECT_DIR } from "./helpers/stack-file";

/**
 * docs/configuration.md against the schemas, until it is generated from them: every key the
 * program reads has a row, and every row names a key the program reads.
 */
const SECTIONS: Record<(typeof SECTION_KEYS)[number], string[]> = {
    flux: Object.keys(fluxSchema.shape),
    git: Object.keys(gitSchema.shape),
    oci: Object.keys(ociSchema.shape),
    sops: Object.keys(sopsSchema.shape),
    readiness: Object.keys(readinessSchema.shape),
    layers: Object.keys(layerSchema.shape).map((k) => `<name>.${k}`),
};

/** Every key the program reads, as the reference writes it. */
function knownKeys(): string[] {
    return [
        ...Object.entries(SECTIONS).flatMap(([section, keys]) =>
            keys.map((k) => `${section}.${k}`),
        ),
        ...Object.keys(SECRET_KEYS),
        "takeover",
    ];
}

/** The first cell of every table row of the reference, without its backticks. */
function documentedKeys(): string[] {
    const text = fs.readFileSync(path.join(PROJECT_DIR, "docs/configuration.md"), "utf8");
    return [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
}

describe("docs/configuration.md", () => {
    it("has a section for every structured key", () => {
        const text = fs.readFileSync(path.join(PROJECT_DIR, "docs/configuration.md"), "utf8");
        for (const section of [...SECTION_KEYS, "takeover"]) {
            expect(text, section).to.contain(`\n## \`${section}\`\n`);
        }
    });

    it("documents every key the program reads, once", () => {
        const documented = documentedKeys();
        for (const key of knownKeys()) {
            // flux.controllers is a map: its row is `flux.controllers.<controller>`.
            const rows = documented.filter((d) => d === key || d.startsWith(`${key}.<`));
            expect(rows, key).to.have.length(1);
        }
    });

    it("documents no key the program does not read", () => {
        const known = knownKeys();
        const stale = documentedKeys().filter(
            (d) => !known.some((k) => d === k || d.startsWith(`${k}.<`)),
        );
        expect(stale).to.deep.equal([]);
    });
});
