import { expect } from "chai";
import { revealsSecret, secretPaths } from "./secrets";
import { newAgeIdentity } from "../../helpers/keys";

// A real age identity made for this run: no private key, not even a fake one, sits in the repository.
let KEY = "";
before(async () => {
    KEY = await newAgeIdentity();
});
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("secret search of the e2e suite", () => {
    it("finds a secret in plain text and inside the base64 of a larger file", () => {
        expect(revealsSecret(`x ${KEY} y`, [KEY])).to.equal(true);
        const file = `# created: 2026-11-29\n# public key: age1xyz\n${KEY}\n`;
        expect(b64(file)).to.not.contain(b64(KEY).slice(0, 20));
        expect(revealsSecret(`data: {"age.agekey":"${b64(file)}"}`, [KEY])).to.equal(true);
        expect(revealsSecret(`data: ${b64("something else entirely")}`, [KEY])).to.equal(false);
    });

    it("names the JSON paths, looking into JSON held in strings", () => {
        const state = {
            resources: [
                { outputs: { data: { sig: "1b47", plaintext: JSON.stringify({ k: b64(KEY) }) } } },
                { outputs: { leaked: KEY, fine: "age1recipient" } },
            ],
        };
        expect(secretPaths(state, [KEY])).to.deep.equal([
            "$.resources[0].outputs.data.plaintext<json>.k",
            "$.resources[1].outputs.leaked",
        ]);
    });
});
