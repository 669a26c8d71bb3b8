import { expect } from "chai";
import { evaluateProgram } from "../../cli/evaluate";
import { declareObject } from "../../components/kube-object";
import { CARRIED_FIELDS } from "../../flux/install";

/*
 * The install's table of carried fields (flux/install/declared.ts), against what each
 * @pulumi/kubernetes class really registers: the config check refuses what would be dropped, so
 * the table must say exactly what the classes keep.
 */

const split = (key: string) => {
    const i = key.lastIndexOf("/");
    return { apiVersion: key.slice(0, i), kind: key.slice(i + 1) };
};

describe("install objects declared one resource each", () => {
    it("keep the fields the table names, and drop any other, for every kind of the table", async () => {
        const keys = Object.keys(CARRIED_FIELDS);
        const run = await evaluateProgram(
            () => async () => {
                for (const key of keys) {
                    const fields = Object.fromEntries(
                        CARRIED_FIELDS[key].map((f) => [f, `value of ${f}`]),
                    );
                    declareObject(
                        key,
                        {
                            ...split(key),
                            metadata: { name: "x", namespace: "ns" },
                            notAField: "dropped",
                            ...fields,
                        },
                        {},
                    );
                }
                declareObject(
                    "custom",
                    {
                        apiVersion: "example.com/v1",
                        kind: "Thing",
                        metadata: { name: "x", namespace: "ns" },
                        notAField: "kept",
                    },
                    {},
                );
                return {};
            },
            {},
            [],
            { project: "kube-object", stack: "test" },
        );
        for (const key of keys) {
            const r = run.resources.find((x) => x.name === key);
            expect(r, key).to.not.equal(undefined);
            for (const f of CARRIED_FIELDS[key]) {
                expect(r!.inputs[f], `${key} ${f}`).to.equal(`value of ${f}`);
            }
            expect(r!.inputs, key).to.not.have.property("notAField");
        }
        const custom = run.resources.find((x) => x.name === "custom");
        expect(custom?.inputs.notAField).to.equal("kept");
    });
});
