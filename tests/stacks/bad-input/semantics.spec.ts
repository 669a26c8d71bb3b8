import { expect } from "chai";
import fc from "fast-check";
import { RawConfig } from "../../../stacks";
import { parseWith, publicRepoRaw } from "../../helpers/raw";

/*
 * Class 6: where Flux parses a value, the same rules apply here — and a value
 * Flux accepts is not rejected. Expectations come from git check-ref-format(1),
 * Masterminds/semver's constraint syntax, Go's time.ParseDuration and the list
 * of Flux releases.
 */
type Where = { key: string; path: string[]; field: string };
const at = (key: string, ...path: string[]): Where => ({
    key,
    path: path.slice(0, -1),
    field: path[path.length - 1],
});
const REF = (kind: string) => at("git", "ref", kind);

function nest(where: Where, value: unknown): Record<string, unknown> {
    let v: unknown = { [where.field]: value };
    for (const p of [...where.path].reverse()) v = { [p]: v };
    return { [where.key]: v };
}

const fullKey = (w: Where) => `flux-gitops:${[w.key, ...w.path, w.field].join(".")}`;

const accepted: [Where, unknown][] = [
    [REF("branch"), "main"],
    [REF("branch"), "release/1.x"],
    [REF("branch"), "dependabot/npm_and_yarn/zod-4.6.7"],
    [REF("branch"), "feature/JIRA-12_fix+more"],
    [REF("tag"), "v1.2.3"],
    [REF("tag"), "2026.11.29-rc.1"],
    [REF("name"), "refs/heads/main"],
    [REF("name"), "refs/pull/420/head"],
    [REF("semver"), ">=1.0.0 <2.0.0"],
    [REF("semver"), ">= 1.2, < 3.0.0"],
    [REF("semver"), "~1.2.3"],
    [REF("semver"), "~> 1.2"],
    [REF("semver"), "^1.2"],
    [REF("semver"), "1.x"],
    [REF("semver"), "*"],
    [REF("semver"), "1.2 - 1.4.5"],
    [REF("semver"), "!= 1.2.3"],
    [REF("semver"), "=> 1.0, =< 2"],
    [REF("semver"), "1.2.3 || >= 2.0.0, < 3"],
    [REF("semver"), "v1.2.3-beta.1+build.5"],
    [at("git", "interval"), "0.5s"],
    [at("git", "interval"), "1h30m"],
    [at("readiness", "timeout"), "2562047h"],
    [at("flux", "version"), "v2.7.0"],
    [at("flux", "version"), "2.8.8"],
    [at("flux", "version"), "v2.9.5"],
];

const rejected: [Where, unknown, string][] = [
    [REF("branch"), "feature..x", "'..'"],
    [REF("branch"), "-x", "'-'"],
    [REF("branch"), "a b", '" "'],
    [REF("branch"), "topic.lock", ".lock"],
    [REF("branch"), "HEAD", "HEAD"],
    [REF("branch"), "team/.hidden", "starts with '.'"],
    [REF("branch"), "a//b", "'//'"],
    [REF("branch"), "a/", "'/'"],
    [REF("branch"), "x@{1}", "'@{'"],
    [REF("branch"), "main~1", '"~"'],
    [REF("branch"), "a:b", '":"'],
    [REF("branch"), "a*", '"*"'],
    [REF("branch"), "a\\b", '"\\\\"'],
    [REF("branch"), "@", "@"],
    [REF("branch"), "end.", "'.'"],
    [REF("tag"), "v1..2", "'..'"],
    [REF("name"), "main", "refs/"],
    [REF("semver"), "latest", "not a constraint"],
    [REF("semver"), ">= 1.0 <", "not a constraint"],
    [REF("semver"), "1.2.3.4", "not a constraint"],
    [REF("semver"), "~=1.2", "not a constraint"],
    [REF("semver"), "1.0.0-alpha.01", "no valid version"],
    [at("git", "interval"), "0s", "zero"],
    [at("readiness", "timeout"), "2562048h", "longest duration"],
    [at("flux", "version"), "v2.8.42", "v2.8.0–v2.8.8"],
    [at("flux", "version"), "v2.10.0", "v2.9.0–v2.9.5"],
    [at("flux", "version"), "v2.6.4", "v2.7.0"],
];

describe("semantics, not shape (class 6)", () => {
    let raw: RawConfig;
    before(async () => {
        raw = await publicRepoRaw();
    });

    for (const [where, value] of accepted) {
        it(`accepts ${fullKey(where)} ${JSON.stringify(value)}`, async () => {
            const { problems } = await parseWith(raw, nest(where, value));
            expect(problems).to.deep.equal([]);
        });
    }

    for (const [where, value, why] of rejected) {
        it(`rejects ${fullKey(where)} ${JSON.stringify(value)}, saying ${why}`, async () => {
            const { problems } = await parseWith(raw, nest(where, value));
            expect(problems.map((p) => p.key)).to.deep.equal([fullKey(where)]);
            expect(problems[0].expected).to.contain(why);
        });
    }

    const segment = fc
        .stringMatching(/^[A-Za-z0-9_+=-][A-Za-z0-9_.+=-]{0,10}$/)
        .filter(
            (s) =>
                !s.includes("..") && !s.endsWith(".") && !s.endsWith(".lock") && !s.startsWith("-"),
        );

    it("accepts every branch name git check-ref-format --branch accepts (property)", async () => {
        await fc.assert(
            fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), async (parts) => {
                const branch = parts.join("/");
                fc.pre(branch !== "HEAD");
                const { problems } = await parseWith(raw, nest(REF("branch"), branch));
                expect(problems, branch).to.deep.equal([]);
            }),
            { numRuns: 60 },
        );
    });

    it("rejects a branch name with any character Git forbids (property)", async () => {
        const forbidden = fc.constantFrom(" ", "~", "^", ":", "?", "*", "[", "\\", "\u0007", "..");
        await fc.assert(
            fc.asyncProperty(segment, forbidden, segment, async (a, bad, b) => {
                const branch = `${a}${bad}${b}`;
                const { problems } = await parseWith(raw, nest(REF("branch"), branch));
                expect(
                    problems.map((p) => p.key),
                    branch,
                ).to.deep.equal([fullKey(REF("branch"))]);
            }),
            { numRuns: 60 },
        );
    });

    it("accepts a duration exactly when Go can hold it and it is not zero (property)", async () => {
        const MAX = 2n ** 63n - 1n;
        await fc.assert(
            fc.asyncProperty(fc.bigInt({ min: 0n, max: 4_000_000n }), async (hours) => {
                const text = `${hours}h`;
                const nanos = hours * 3_600_000_000_000n;
                const { problems } = await parseWith(raw, nest(at("git", "interval"), text));
                expect(problems.length === 0, text).to.equal(nanos > 0n && nanos <= MAX);
            }),
            { numRuns: 60 },
        );
    });
});
