import { expect } from "chai";
import { artifactRevisionOf, layerStatusOf, readyOf, webhookPathOf } from "../../flux/status";

describe("flux status for the outputs", () => {
    const ready = (status: string) => ({
        conditions: [
            { type: "Reconciling", status: "True" },
            { type: "Ready", status, reason: "x" },
        ],
    });

    it("reads the Ready condition's status, Unknown when there is none", () => {
        expect(readyOf(ready("True"))).to.equal("True");
        expect(readyOf(ready("False"))).to.equal("False");
        expect(readyOf({ conditions: [{ type: "Reconciling", status: "True" }] })).to.equal(
            "Unknown",
        );
        expect(readyOf({ conditions: "nonsense" })).to.equal("Unknown");
        expect(readyOf(undefined)).to.equal("Unknown");
        expect(readyOf(null)).to.equal("Unknown");
    });

    it("gives a layer's Ready and last applied revision", () => {
        expect(
            layerStatusOf({ ...ready("True"), lastAppliedRevision: "main@sha1:abc" }),
        ).to.deep.equal({ ready: "True", lastAppliedRevision: "main@sha1:abc" });
        expect(layerStatusOf(ready("False"))).to.deep.equal({
            ready: "False",
            lastAppliedRevision: null,
        });
        expect(layerStatusOf(undefined)).to.deep.equal({
            ready: "Unknown",
            lastAppliedRevision: null,
        });
    });

    it("gives a source's artifact revision, null before the first fetch", () => {
        expect(artifactRevisionOf({ artifact: { revision: "v1.2.3@sha256:abc" } })).to.equal(
            "v1.2.3@sha256:abc",
        );
        expect(artifactRevisionOf({ artifact: {} })).to.equal(null);
        expect(artifactRevisionOf({})).to.equal(null);
        expect(artifactRevisionOf(undefined)).to.equal(null);
    });

    it("gives a Receiver's webhook path, null before notification-controller set it", () => {
        expect(webhookPathOf({ webhookPath: "/hook/abc" })).to.equal("/hook/abc");
        expect(webhookPathOf({ webhookPath: "" })).to.equal(null);
        expect(webhookPathOf(undefined)).to.equal(null);
    });
});
