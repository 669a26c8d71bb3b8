import { expect } from "chai";
import fc from "fast-check";
import { ConfigError } from "../../../stacks";
import { stackWithSecrets, P, withValue } from "../../helpers/fixtures";
import { runFailingProgram, runProgram } from "../../helpers/mocks";

/*
 * Class 3: a value is checked in exactly the form it is written into the cluster.
 * kustomize-controller reads `age.agekey` with age's ParseIdentities: lines split at
 * \n (a trailing \r dropped), empty lines and lines starting with # skipped, every
 * other line parsed as an identity as it is, untrimmed.
 */
async function identitiesAsFluxReadsThem(file: string): Promise<string[]> {
    const age = await import("age-encryption");
    const lines = file
        .split("\n")
        .map((l) => l.replace(/\r$/, ""))
        .filter((l) => l !== "" && !l.startsWith("#"));
    return Promise.all(lines.map((l) => age.identityToRecipient(l)));
}

const SECRET = "kubernetes:core/v1:Secret";

describe("what is checked is what is stored (class 3)", () => {
    let base: Awaited<ReturnType<typeof stackWithSecrets>>;
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    async function storedAgeKey(keyFile: string): Promise<string> {
        const run = await runProgram(
            withValue(base.config, "ageKey", [], keyFile),
            base.secretKeys,
        );
        const secret = run.resources.find(
            (r) => r.type === SECRET && r.inputs.metadata.name === "sops-age",
        );
        return Buffer.from(secret!.inputs.data["age.agekey"], "base64").toString("utf8");
    }

    const decorated: [string, (k: string) => string][] = [
        ["indented", (k) => `  # created: today\n  ${k}\n`],
        ["with trailing blanks", (k) => `${k}   \n`],
        ["with CRLF line ends and a tab", (k) => `# key\r\n\t${k}\r\n`],
    ];
    for (const [what, decorate] of decorated) {
        it(`stores an age key ${what} in a form kustomize-controller accepts`, async () => {
            const age = await import("age-encryption");
            const stored = await storedAgeKey(decorate(base.ageKey));
            expect(await identitiesAsFluxReadsThem(stored)).to.deep.equal([
                await age.identityToRecipient(base.ageKey),
            ]);
        });
    }

    it("stores any blank-decorated age key file in a form the controller accepts (property)", async () => {
        const blank = fc.stringMatching(/^[ \t]{0,3}$/);
        await fc.assert(
            fc.asyncProperty(blank, blank, fc.boolean(), async (before, after, crlf) => {
                const nl = crlf ? "\r\n" : "\n";
                const stored = await storedAgeKey(`# c${nl}${before}${base.ageKey}${after}${nl}`);
                expect(await identitiesAsFluxReadsThem(stored)).to.have.length(1);
            }),
            { numRuns: 15 },
        );
    });

    for (const key of ["gitPassword", "gitBearerToken", "gitUsername"]) {
        it(`refuses a ${key} with a line break, which no HTTP header can carry`, async () => {
            let config = withValue(base.config, "git", [], {
                url: "https://git.example.test/org/repo.git",
                auth: key === "gitBearerToken" ? "bearer" : "basic",
            });
            config = withValue(config, "gitSshIdentity", [], undefined);
            config = withValue(config, "gitKnownHosts", [], undefined);
            config = withValue(config, key === "gitBearerToken" ? key : "gitUsername", [], "bot");
            if (key !== "gitBearerToken") config = withValue(config, "gitPassword", [], "pw-value");
            config = withValue(config, key, [], "line-one\n");
            const { error } = await runFailingProgram(config, [
                `${P}:ageKey`,
                `${P}:gitPassword`,
                `${P}:gitBearerToken`,
            ]);
            expect(error, String(error)).to.be.instanceOf(ConfigError);
            const problem = (error as ConfigError).problems.find((p) => p.key === `${P}:${key}`);
            expect(problem?.expected).to.contain("line break");
        });
    }
});
