import { expect } from "chai";
import fc from "fast-check";
import { ConfigError, parseStackConfig, RawConfig } from "../../../stacks";
import { stackWithSecrets, withValue } from "../../helpers/fixtures";
import { runFailingProgram, runProgram } from "../../helpers/mocks";
import { publicRepoRaw } from "../../helpers/raw";

/*
 * Class 7: whatever the config holds, the outcome is a valid program or one
 * ConfigError — never a TypeError, a stack overflow or a hang.
 */
const ODD_KEYS = [
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "ключ",
    "a.b",
    "x[0]",
    "",
];
const odd = fc.constantFrom(...ODD_KEYS);
const name = fc.oneof(
    odd,
    fc.constantFrom("apps", "databases", "infrastructure", "monitoring"),
    fc.string(),
);
const anyValue = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(odd, fc.jsonValue()),
    fc.constantFrom(null, true, 0, -1, 1e308, "", "0s", "./x", [], {}),
);
const field = fc.constantFrom(
    "enabled",
    "path",
    "interval",
    "prune",
    "dependsOn",
    "healthChecks",
    "timeout",
    "retryInterval",
    "wait",
    "deletionPolicy",
    "suspend",
    "targetNamespace",
    "substitute",
    "readinessTimeout",
    "__proto__",
);
const layer = fc.dictionary(field, anyValue, { maxKeys: 6 });
const layers = fc.dictionary(name, fc.oneof(layer, anyValue), { maxKeys: 6 });

/** Like JSON.parse, `__proto__` stays an own key (the language host passes JSON). */
const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe("no input crashes (class 7)", () => {
    let raw: RawConfig;
    before(async () => {
        raw = await publicRepoRaw();
    });

    async function outcome(config: RawConfig): Promise<void> {
        const r = await parseStackConfig(config);
        if (r.ok) return;
        expect(r.problems.length).to.be.greaterThan(0);
        for (const p of r.problems) {
            expect(p.key).to.match(/^flux-gitops:/);
            expect(p.value).to.be.a("string");
            expect(p.expected).to.be.a("string");
        }
        // Class 8 as a property: no problem is reported twice.
        const seen = r.problems.map((p) => `${p.key} ${p.expected}`);
        expect(new Set(seen).size, seen.join("\n")).to.equal(seen.length);
    }

    it("any value of any key is a valid config or a list of problems (property)", async () => {
        const key = fc.oneof(
            fc.constantFrom(
                "flux",
                "git",
                "sops",
                "readiness",
                "layers",
                "ageKey",
                "gitSshIdentity",
            ),
            odd,
        );
        await fc.assert(
            fc.asyncProperty(fc.dictionary(key, anyValue, { maxKeys: 5 }), async (values) => {
                const config: RawConfig = { ...raw };
                for (const [k, v] of Object.entries(viaJson(values) as object)) {
                    Object.defineProperty(config, k, {
                        value: { value: v, secret: false },
                        enumerable: true,
                        writable: true,
                        configurable: true,
                    });
                }
                await outcome(config);
            }),
            { numRuns: 300 },
        );
    });

    it("any layers map, with any field values and odd names, is a valid config or problems (property)", async () => {
        await fc.assert(
            fc.asyncProperty(layers, async (value) => {
                await outcome({ ...raw, layers: { value: viaJson(value), secret: false } });
            }),
            { numRuns: 300 },
        );
    });

    for (const odd of ["constructor", "__proto__", "toString", "valueof"]) {
        it(`handles a layer named ${odd} like any other name`, async () => {
            const value = JSON.parse(`{"${odd}": {"path": "./gitops/x"}}`) as unknown;
            const r = await parseStackConfig({ ...raw, layers: { value, secret: false } });
            const lowerLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(odd);
            if (lowerLabel) {
                expect(r.ok, JSON.stringify(r)).to.equal(true);
                expect(r.ok && r.config.layers.map((l) => l.name)).to.include(odd);
            } else {
                expect(!r.ok && r.problems.map((p) => p.key)).to.deep.equal([
                    `flux-gitops:layers.${odd}`,
                ]);
            }
        });
    }

    it("orders a chain of 3000 layers, and refuses a 3000-layer cycle, within seconds", async () => {
        const chain: Record<string, unknown> = {};
        for (let i = 0; i < 3000; i++) {
            chain[`l${i}`] = { path: `./l/${i}`, dependsOn: i === 0 ? [] : [`l${i - 1}`] };
        }
        const started = Date.now();
        const r = await parseStackConfig({ ...raw, layers: { value: chain, secret: false } });
        expect(r.ok && r.config.layers.slice(-3000).map((l) => l.name)).to.deep.equal(
            Object.keys(chain),
        );
        (chain.l0 as { dependsOn: string[] }).dependsOn = ["l2999"];
        const c = await parseStackConfig({ ...raw, layers: { value: chain, secret: false } });
        expect(!c.ok && c.problems.map((p) => p.key)).to.deep.equal([
            "flux-gitops:layers.l0.dependsOn",
        ]);
        expect(Date.now() - started).to.be.lessThan(10_000);
    });

    it("reports a deeply nested value without overflowing", async () => {
        let deep: unknown = "x";
        for (let i = 0; i < 20000; i++) deep = [deep];
        const r = await parseStackConfig({
            ...raw,
            layers: { value: { apps: { substitute: { A: deep } } }, secret: false },
        });
        expect(!r.ok && r.problems.map((p) => p.key)).to.deep.equal([
            "flux-gitops:layers.apps.substitute.A",
        ]);
    });

    it("runs the program to a ConfigError, not a TypeError, for a constructor layer without a path", async () => {
        const base = await stackWithSecrets("prod");
        const config = withValue(base.config, "layers", ["constructor"], { interval: "5m" });
        const { error } = await runFailingProgram(config, base.secretKeys);
        expect(error).to.be.instanceOf(ConfigError);
        const ok = withValue(base.config, "layers", ["constructor"], { path: "./c" });
        const run = await runProgram(ok, base.secretKeys);
        expect(run.resources.some((r) => r.name === "layers-constructor")).to.equal(true);
    });
});
