import { expect } from "chai";
import { parseReadiness } from "../../../stacks/sections/readiness";
import { keysOf, runSection } from "../../helpers/section";

describe("section readiness", () => {
    it("waits 10 minutes for Ready by default", async () => {
        const { result } = await runSection(parseReadiness, {});
        expect(result).to.deep.equal({ enabled: true, timeout: "10m" });
    });

    it("takes a stack's own settings", async () => {
        const { result } = await runSection(parseReadiness, {
            readiness: { enabled: false, timeout: "90s" },
        });
        expect(result).to.deep.equal({ enabled: false, timeout: "90s" });
    });

    it("reports each bad field", async () => {
        const { result, problems } = await runSection(parseReadiness, {
            readiness: { enabled: "yes", timeout: "soon" },
        });
        expect(result).to.equal(undefined);
        expect(keysOf(problems)).to.deep.equal([
            "flux-gitops:readiness.enabled",
            "flux-gitops:readiness.timeout",
        ]);
    });
});
