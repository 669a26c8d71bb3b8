import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeObject, parseManifest, sha256Hex } from "../../flux/install";
import { buildInstall } from "../../prepare/install";
import { KEPT_ENTRIES, ManifestCache, manifestCache } from "../../prepare/manifest-cache";
import { FluxSettings } from "../../stacks/types";
import { manifestFile, syntheticInstallManifest } from "../helpers/flux-manifest";

/*
 * The parsed install manifest kept between runs: a hit must give what a parse gives, and
 * nothing secret or inexact may be written.
 */

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "flux-manifest-cache-"));
const entries = (dir: string) =>
    fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];

describe("the parsed install manifest, kept between runs", () => {
    const text = syntheticInstallManifest();

    it("gives back exactly what parsing the same text gives", () => {
        const dir = tempDir();
        manifestCache(dir).write(text, parseManifest(text));
        // A new cache object reads the file itself: nothing is held in memory between them.
        expect(manifestCache(dir).read(text)).to.deep.equal(parseManifest(text));
    });

    it("misses for any other text, even one byte apart", () => {
        const dir = tempDir();
        manifestCache(dir).write(text, parseManifest(text));
        expect(manifestCache(dir).read(`${text}\n`)).to.equal(undefined);
    });

    it("names each entry after the text's sha256", () => {
        const dir = tempDir();
        manifestCache(dir).write(text, parseManifest(text));
        expect(entries(dir)).to.deep.equal([`${sha256Hex(text)}.json`]);
    });

    it("misses for an entry another parser version wrote, a broken one, or one of non-objects", () => {
        const dir = tempDir();
        const file = path.join(dir, `${sha256Hex(text)}.json`);
        const objects = parseManifest(text);
        fs.writeFileSync(file, JSON.stringify({ parser: "yaml@0.0.1/1", objects }));
        expect(manifestCache(dir).read(text), "other parser").to.equal(undefined);
        manifestCache(dir).write(text, objects);
        const good = fs.readFileSync(file, "utf8");
        fs.writeFileSync(file, good.slice(0, good.length / 2));
        expect(manifestCache(dir).read(text), "truncated").to.equal(undefined);
        const entry = JSON.parse(good) as { objects: unknown[] };
        entry.objects.push({ kind: "ConfigMap" });
        fs.writeFileSync(file, JSON.stringify(entry));
        expect(manifestCache(dir).read(text), "not an object").to.equal(undefined);
        manifestCache(dir).write(text, objects);
        expect(manifestCache(dir).read(text), "rewritten").to.deep.equal(objects);
    });

    it("never writes a manifest holding a Secret", () => {
        const dir = tempDir();
        const secret = {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "pull", namespace: "flux-system" },
            stringData: { token: "s3cr3t-token" },
        };
        const withSecret = `${text}---\n${JSON.stringify(secret)}\n`;
        manifestCache(dir).write(withSecret, parseManifest(withSecret));
        expect(entries(dir)).to.deep.equal([]);
    });

    it("never writes objects JSON would change (.inf, -0)", () => {
        for (const value of [".inf", "-.inf", ".nan", "-0.0"]) {
            const dir = tempDir();
            const t = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nnumber: ${value}\n`;
            manifestCache(dir).write(t, parseManifest(t));
            expect(entries(dir), value).to.deep.equal([]);
        }
    });

    it(`keeps the ${KEPT_ENTRIES} entries used last`, () => {
        const dir = tempDir();
        const texts = Array.from({ length: KEPT_ENTRIES }, (_, i) => `${text}# ${i}\n`);
        const cache = manifestCache(dir);
        texts.forEach((t, i) => {
            cache.write(t, parseManifest(t));
            // mtimes a second apart, oldest first, whatever the file system's resolution
            const when = new Date(Date.now() - (texts.length - i) * 1000);
            fs.utimesSync(path.join(dir, `${sha256Hex(t)}.json`), when, when);
        });
        // A read makes the oldest entry the newest, so it survives the next write's pruning.
        expect(cache.read(texts[0])).to.not.equal(undefined);
        const extra = `${text}# extra\n`;
        cache.write(extra, parseManifest(extra));
        const kept = entries(dir);
        expect(kept).to.have.length(KEPT_ENTRIES);
        expect(kept).to.include(`${sha256Hex(texts[0])}.json`);
        expect(kept).to.include(`${sha256Hex(extra)}.json`);
        expect(kept).to.not.include(`${sha256Hex(texts[1])}.json`);
    });

    it("skips a cache it cannot write, without an error", () => {
        const parent = tempDir();
        const dir = path.join(parent, "file-not-folder");
        fs.writeFileSync(dir, "");
        expect(() => manifestCache(dir).write(text, parseManifest(text))).to.not.throw();
        expect(manifestCache(dir).read(text)).to.equal(undefined);
        expect(fs.readdirSync(parent)).to.deep.equal(["file-not-folder"]);
    });
});

describe("the install step with the cache", () => {
    /** A cache that records its calls and answers reads with `hit`. */
    function recording(hit?: KubeObject[]) {
        const calls = { reads: 0, writes: [] as KubeObject[][] };
        const cache: ManifestCache = {
            read: () => {
                calls.reads++;
                return hit === undefined ? undefined : structuredClone(hit);
            },
            write: (_t, objects) => calls.writes.push(objects),
        };
        return { cache, calls };
    }
    const flux = (manifest: string, confidential = false): FluxSettings => ({
        version: "v2.9.5",
        namespace: "flux-system",
        keepOnDestroy: true,
        manifest,
        options: {},
        ...(confidential && { confidential }),
    });

    it("builds from the cached objects instead of parsing", async () => {
        // The cached objects differ from the file's, so the result shows which one was used. The
        // text is this test's own: the process keeps what it was handed for that text.
        const file = path.join(tempDir(), "install.yaml");
        fs.writeFileSync(file, `${syntheticInstallManifest()}# cache hit test\n`);
        const cached = parseManifest(fs.readFileSync(file, "utf8"));
        const ns = cached.find((o) => o.kind === "Namespace")!;
        ns.metadata.labels = { ...ns.metadata.labels, "from-the-cache": "yes" };
        const { cache, calls } = recording(cached);
        const built = await buildInstall(flux(file), { cache });
        const namespace = built.objects?.find((o) => o.kind === "Namespace");
        expect(namespace?.metadata.labels?.["from-the-cache"]).to.equal("yes");
        expect(calls.writes).to.have.length(0);
    });

    it("writes what it parsed on a miss", async () => {
        const file = manifestFile();
        const { cache, calls } = recording();
        await buildInstall(flux(file), { cache });
        expect(calls.writes).to.deep.equal([parseManifest(fs.readFileSync(file, "utf8"))]);
    });

    it("neither reads nor writes a confidential manifest", async () => {
        const { cache, calls } = recording(parseManifest(fs.readFileSync(manifestFile(), "utf8")));
        await buildInstall(flux(manifestFile(), true), { cache });
        expect(calls).to.deep.equal({ reads: 0, writes: [] });
    });
});
