import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    clearManifestCache,
    Fetch,
    fetchManifest,
    ManifestError,
    readManifest,
    sha256Hex,
} from "../../../flux/install";

const URL_ = "https://github.com/fluxcd/flux2/releases/download/v2.9.5/install.yaml";

function fakeFetch(respond: (url: string) => { status: number; body?: string }) {
    const calls: string[] = [];
    const fn: Fetch = async (url) => {
        calls.push(url);
        const r = respond(url);
        return {
            ok: r.status >= 200 && r.status < 300,
            status: r.status,
            statusText: r.status === 404 ? "Not Found" : "OK",
            text: async () => r.body ?? "",
        };
    };
    return { fn, calls };
}

async function failure(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected a failure");
}

describe("install manifest: where it comes from", () => {
    beforeEach(() => clearManifestCache());

    it("downloads a URL once per run, however often it is read", async () => {
        const f = fakeFetch(() => ({ status: 200, body: "kind: Namespace\n" }));
        const texts = await Promise.all([
            fetchManifest(URL_, f.fn),
            fetchManifest(URL_, f.fn),
            readManifest(URL_, undefined, f.fn),
        ]);
        expect(texts).to.deep.equal([
            "kind: Namespace\n",
            "kind: Namespace\n",
            "kind: Namespace\n",
        ]);
        expect(f.calls).to.deep.equal([URL_]);
    });

    it("says the status, the URL and what to do offline when the download fails", async () => {
        const f = fakeFetch(() => ({ status: 404 }));
        const e = await failure(fetchManifest(URL_, f.fn));
        expect(e).to.be.instanceOf(ManifestError);
        expect(e.message).to.contain(
            `Could not download the Flux install manifest ${URL_}: HTTP 404 Not Found.`,
        );
        expect(e.message).to.contain("set `flux-gitops:flux.manifest` to its path");
        // Not cached: a retry asks again.
        await failure(fetchManifest(URL_, f.fn));
        expect(f.calls).to.have.length(2);
    });

    it("reports a network failure by its cause", async () => {
        const fn: Fetch = async () => {
            throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
        };
        const e = await failure(fetchManifest(URL_, fn));
        expect(e.message).to.match(
            /^Could not download the Flux install manifest \S+: ENOTFOUND\. Offline or air-gapped/,
        );
    });

    it("accepts the file a sha256 pin names and refuses a changed one", async () => {
        const body = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n";
        const pin = sha256Hex(body);
        // Independent of the implementation: the digest of this text as sha256sum prints it.
        expect(pin).to.equal(
            require("crypto").createHash("sha256").update(Buffer.from(body)).digest("hex"),
        );
        const f = fakeFetch(() => ({ status: 200, body }));
        expect(await readManifest(URL_, pin.toUpperCase(), f.fn)).to.equal(body);
        clearManifestCache();
        const changed = fakeFetch(() => ({ status: 200, body: body + "# changed upstream\n" }));
        const e = await failure(readManifest(URL_, pin, changed.fn));
        expect(e).to.be.instanceOf(ManifestError);
        expect(e.message).to.contain(`but \`flux-gitops:flux.sha256\` pins ${pin}`);
        expect(e.message).to.contain("Nothing was deployed");
    });

    it("reads a local file without the network", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "manifest-")), "flux.yaml");
        fs.writeFileSync(file, "kind: Namespace\n");
        const f = fakeFetch(() => ({ status: 500 }));
        expect(await readManifest(file, sha256Hex("kind: Namespace\n"), f.fn)).to.equal(
            "kind: Namespace\n",
        );
        expect(f.calls).to.deep.equal([]);
    });
});
