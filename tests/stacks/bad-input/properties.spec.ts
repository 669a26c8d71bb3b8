import { expect } from "chai";
import fc from "fast-check";
import { durationSeconds } from "../../../flux/duration";
import { dependencyOrder, findCycles } from "../../../stacks/layer-graph";
import { duration, dnsLabel } from "../../../stacks/schema";

const unit = fc.constantFrom(["h", 3600], ["m", 60], ["s", 1]) as fc.Arbitrary<[string, number]>;

describe("properties", () => {
    it("every duration built from h/m/s parts is accepted and counts the sum of its parts", () => {
        fc.assert(
            fc.property(
                fc.array(fc.tuple(fc.nat(1000), unit), { minLength: 1, maxLength: 4 }),
                (parts) => {
                    const text = parts.map(([n, [u]]) => `${n}${u}`).join("");
                    const seconds = parts.reduce((sum, [n, [, s]]) => sum + n * s, 0);
                    // A zero duration is refused (class 5): Flux would never wait or retry.
                    expect(duration.safeParse(text).success, text).to.equal(seconds > 0);
                    expect(durationSeconds(text)).to.equal(seconds);
                },
            ),
        );
    });

    it("a duration with anything but digits, dots and units is rejected", () => {
        fc.assert(
            fc.property(fc.string({ minLength: 1 }), (s) => {
                fc.pre(/[^0-9.hms]/.test(s));
                expect(duration.safeParse(s).success, JSON.stringify(s)).to.equal(false);
            }),
        );
    });

    it("layer names are accepted exactly when they are DNS-1123 labels", () => {
        const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
        fc.assert(
            fc.property(
                fc.string({ unit: fc.constantFrom(..."abz09-.A_"), maxLength: 70 }),
                (s) => {
                    expect(dnsLabel.safeParse(s).success, s).to.equal(
                        label.test(s) && s.length <= 63,
                    );
                },
            ),
        );
    });

    // Random DAGs: node i may depend only on nodes with a smaller index, then shuffled.
    const dag = fc
        .integer({ min: 1, max: 12 })
        .chain((n) =>
            fc.tuple(
                fc.tuple(
                    ...Array.from({ length: n }, (_, i) =>
                        fc.subarray(Array.from({ length: i }, (_, j) => `l${j}`)),
                    ),
                ),
                fc.shuffledSubarray(
                    Array.from({ length: n }, (_, i) => i),
                    { minLength: n, maxLength: n },
                ),
            ),
        )
        .map(([deps, order]) => order.map((i) => ({ name: `l${i}`, dependsOn: deps[i] })));

    it("orders any acyclic layer set with every layer after its dependencies", () => {
        fc.assert(
            fc.property(dag, (nodes) => {
                expect(findCycles(nodes)).to.deep.equal([]);
                const order = dependencyOrder(nodes).map((n) => n.name);
                expect([...order].sort()).to.deep.equal(nodes.map((n) => n.name).sort());
                for (const n of nodes) {
                    for (const d of n.dependsOn) {
                        expect(order.indexOf(d), `${d} before ${n.name}`).to.be.lessThan(
                            order.indexOf(n.name),
                        );
                    }
                }
            }),
        );
    });

    it("finds a cycle whenever a back edge is added to an acyclic set", () => {
        fc.assert(
            fc.property(dag, (nodes) => {
                const withDeps = nodes.filter((n) => n.dependsOn.length > 0);
                fc.pre(withDeps.length > 0);
                const n = withDeps[0];
                const dep = nodes.find((x) => x.name === n.dependsOn[0])!;
                const cyclic = nodes.map((x) =>
                    x === dep ? { ...x, dependsOn: [...x.dependsOn, n.name] } : x,
                );
                const cycles = findCycles(cyclic);
                expect(cycles.length).to.be.greaterThan(0);
                for (const c of cycles) expect(c[0]).to.equal(c[c.length - 1]);
            }),
        );
    });
});
