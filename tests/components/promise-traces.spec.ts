import { expect } from "chai";
import { skipUnreadPromiseTraces } from "../../components/promise-traces";

describe("components/promise-traces: the SDK's unread per-promise traces", () => {
    const saved = { format: Error.prepareStackTrace, limit: Error.stackTraceLimit };
    afterEach(() => {
        (Error as { prepareStackTrace?: unknown }).prepareStackTrace = saved.format;
        Error.stackTraceLimit = saved.limit;
    });
    const mapped = (e: Error, frames: NodeJS.CallSite[]) =>
        `mapped ${e.message} at ${frames[0]?.getFunctionName()}`;
    // Named as in @pulumi/pulumi/runtime/debuggable.js.
    function debuggablePromise(): string | undefined {
        return new Error("p").stack;
    }
    function failing(): string | undefined {
        return new Error("boom").stack;
    }

    it("are left empty; every other trace is formatted as before, once however often it runs", () => {
        Error.stackTraceLimit = 10;
        Error.prepareStackTrace = mapped;
        skipUnreadPromiseTraces({});
        skipUnreadPromiseTraces({});
        expect(debuggablePromise()).to.equal("");
        expect(failing()).to.equal("mapped boom at failing");
    });

    it("are kept with PULUMI_DEBUG_PROMISE_LEAKS, and formatting is left to V8 without source maps", () => {
        Error.stackTraceLimit = 10;
        Error.prepareStackTrace = mapped;
        skipUnreadPromiseTraces({ PULUMI_DEBUG_PROMISE_LEAKS: "true" });
        expect(debuggablePromise()).to.equal("mapped p at debuggablePromise");
        (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
        skipUnreadPromiseTraces({});
        expect(Error.prepareStackTrace).to.equal(undefined);
    });
});
