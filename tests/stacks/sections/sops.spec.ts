import { expect } from "chai";
import { parseSops } from "../../../stacks/sections/sops";
import { newAgeIdentity } from "../../helpers/keys";
import { keysOf, runSection } from "../../helpers/section";

describe("section sops", () => {
    it("derives the recipient of the age key and names the Secret sops-age", async () => {
        const age = await import("age-encryption");
        const key = await newAgeIdentity();
        const { result, problems } = await runSection(parseSops, { ageKey: key }, ["ageKey"]);
        expect(problems).to.deep.equal([]);
        expect(result).to.deep.include({
            secretName: "sops-age",
            recipients: [await age.identityToRecipient(key)],
        });
    });

    it("requires the age key, as a secret", async () => {
        const missing = await runSection(parseSops, {});
        expect(keysOf(missing.problems)).to.deep.equal(["flux-gitops:ageKey"]);
        expect(missing.problems[0].value).to.equal("(not set)");
        const plain = await runSection(parseSops, { ageKey: await newAgeIdentity() });
        expect(plain.problems[0].value).to.equal("[stored in plain text, not shown]");
        expect(plain.result).to.equal(undefined);
    });

    it("reports a bad Secret name together with the key's problem", async () => {
        const { problems } = await runSection(
            parseSops,
            {
                sops: { secretName: "Sops Age" },
                ageKey: "AGE-SECRET-KEY-1" + "Q".repeat(58),
            },
            ["ageKey"],
        );
        expect(keysOf(problems)).to.deep.equal([
            "flux-gitops:ageKey",
            "flux-gitops:sops.secretName",
        ]);
    });
});
