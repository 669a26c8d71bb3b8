import { expect } from "chai";
import { parseFlux } from "../stacks/sections/flux";
import { keysOf, runSection } from "./helpers/section";

describe("section flux", () => {
    it("defaults to the pinned release's install.yaml into flux-system, kept on destroy", async () => {
        const { result, problems } = await runSection(parseFlux, {});
        expect(problems).to.deep.equal([]);
        expect(result).to.deep.equal({
            version: "v2.9.5",
            namespace: "flux-system",
            manifest: "https://github.com/fluxcd/flux2/releases/download/v2.9.5/install.yaml",
            keepOnDestroy: true,
        });
    });

    it("takes a local manifest for another namespace", async () => {
        const { result, problems } = await runSection(parseFlux, {
            flux: { namespace: "gitops", manifest: "section.ts", keepOnDestroy: false },
        });
        expect(problems).to.deep.equal([]);
        expect(result).to.include({ namespace: "gitops", keepOnDestroy: false });
    });

    it("refuses another namespace with the release manifest, and a missing manifest file", async () => {
        const a = await runSection(parseFlux, { flux: { namespace: "gitops" } });
        expect(a.result).to.equal(undefined);
        expect(keysOf(a.problems)).to.deep.equal(["flux-gitops:flux.namespace"]);
        const b = await runSection(parseFlux, { flux: { manifest: "./nope.yaml" } });
        expect(keysOf(b.problems)).to.deep.equal(["flux-gitops:flux.manifest"]);
        expect(b.problems[0].expected).to.contain("no file exists at");
    });
});
