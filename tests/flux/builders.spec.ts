import { expect } from "chai";
import { buildGitRepositorySpec } from "../../flux/git";
import { buildKustomizationSpec } from "../../flux/layers";
import { readinessAnnotations, retoken, APPLIED_ANNOTATION } from "../../flux/readiness";
import { durationSeconds } from "../../flux/duration";
import { checkGitUrl } from "../../stacks";
import { dependencyOrder, findCycles } from "../../stacks/layer-graph";
import { Layer } from "../../flux/layers";

describe("durationSeconds", () => {
    const table: [string, number][] = [
        ["10m0s", 600],
        ["1h30m", 5400],
        ["90s", 90],
        ["1.5h", 5400],
        ["1500ms", 2],
        ["2h0m0s", 7200],
    ];
    for (const [d, s] of table) {
        it(`${d} is ${s}s`, () => expect(durationSeconds(d)).to.equal(s));
    }
    it("refuses what Flux refuses", () =>
        expect(() => durationSeconds("10 minutes")).to.throw("not a Flux duration"));
});

describe("layer graph", () => {
    const n = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });

    it("puts every layer after its dependencies, keeping the given order otherwise", () => {
        const order = dependencyOrder([
            n("apps", "databases"),
            n("monitoring"),
            n("databases", "infrastructure"),
            n("infrastructure"),
        ]);
        expect(order.map((x) => x.name)).to.deep.equal([
            "monitoring",
            "infrastructure",
            "databases",
            "apps",
        ]);
    });

    it("finds a cycle and names its members in order", () => {
        expect(findCycles([n("a", "c"), n("b", "a"), n("c", "b")])).to.deep.equal([
            ["a", "c", "b", "a"],
        ]);
        expect(findCycles([n("a"), n("b", "a")])).to.deep.equal([]);
    });

    it("refuses to order a cycle", () => {
        expect(() => dependencyOrder([n("a", "b"), n("b", "a")])).to.throw("dependency cycle");
    });
});

describe("checkGitUrl", () => {
    const ok = [
        "ssh://git@github.com/org/repo.git",
        "ssh://git@git.example.test:2222/org/repo",
        "https://gitlab.example.test/group/repo.git",
        "http://127.0.0.1:17080/repo.git",
    ];
    for (const u of ok) {
        it(`accepts ${u}`, () => expect(checkGitUrl(u)).to.deep.include({ ok: true, url: u }));
    }
    const bad: [string, string][] = [
        ["git@github.com:org/repo.git", "write ssh://git@github.com/org/repo.git"],
        ["github.com:org/repo", "write ssh://git@github.com/org/repo"],
        ["file:///srv/git/repo", "an ssh://, https:// or http:// URL"],
        ["https://github.com", "needs a host and a repository path"],
        ["https://user:pw@github.com/org/repo", "without credentials"],
        ["", "it is required"],
    ];
    for (const [u, why] of bad) {
        it(`rejects ${JSON.stringify(u)}`, () => {
            const r = checkGitUrl(u);
            expect(r.ok).to.equal(false);
            expect(!r.ok && r.expected).to.contain(why);
        });
    }
});

describe("buildKustomizationSpec", () => {
    const ctx = {
        sourceRef: { kind: "GitRepository" as const, name: "flux-system" },
        decryptionSecretName: "sops-age",
    };

    it("writes every optional field under Flux's name for it", () => {
        const layer: Layer = {
            name: "apps",
            path: "./gitops/apps/applications",
            interval: "10m0s",
            prune: false,
            dependsOn: ["databases", "infrastructure"],
            healthChecks: [],
            timeout: "5m",
            retryInterval: "1m",
            wait: true,
            deletionPolicy: "WaitForTermination",
            suspend: true,
            targetNamespace: "apps",
            substitute: { domain: "example.test" },
            readinessTimeout: "20m",
        };
        expect(buildKustomizationSpec(layer, ctx)).to.deep.equal({
            interval: "10m0s",
            path: "./gitops/apps/applications",
            prune: false,
            sourceRef: { kind: "GitRepository", name: "flux-system" },
            decryption: { provider: "sops", secretRef: { name: "sops-age" } },
            dependsOn: [{ name: "databases" }, { name: "infrastructure" }],
            timeout: "5m",
            retryInterval: "1m",
            wait: true,
            deletionPolicy: "WaitForTermination",
            suspend: true,
            targetNamespace: "apps",
            postBuild: { substitute: { domain: "example.test" } },
        });
    });
});

describe("buildGitRepositorySpec", () => {
    it("refers to the auth Secret only when there are credentials", () => {
        const base = {
            repositoryName: "flux-system",
            url: "https://g.example.test/r.git",
            ref: { semver: ">=1.0.0" },
            interval: "5m",
            secretName: "git-creds",
        };
        expect(buildGitRepositorySpec({ ...base, auth: { kind: "none" } })).to.deep.equal({
            interval: "5m",
            url: "https://g.example.test/r.git",
            ref: { semver: ">=1.0.0" },
        });
        const withAuth = buildGitRepositorySpec({
            ...base,
            auth: { kind: "bearer", bearerToken: undefined as any },
        });
        expect(withAuth.secretRef).to.deep.equal({ name: "git-creds" });
    });
});

describe("readinessAnnotations", () => {
    const on = { enabled: true, timeout: "1h30m" };
    const spec = { interval: "10m", path: "./apps" };

    it("asks @pulumi/kubernetes to wait for Ready, and for this apply's token, with a timeout in seconds", () => {
        const a = readinessAnnotations(on, spec);
        expect(a[APPLIED_ANNOTATION]).to.match(/^[0-9a-f]{16}$/);
        expect(JSON.parse(a["pulumi.com/waitFor"])).to.deep.equal([
            "condition=Ready",
            `jsonpath={.metadata.annotations['flux-gitops/applied']}=${a[APPLIED_ANNOTATION]}`,
        ]);
        expect(a["pulumi.com/timeoutSeconds"]).to.equal("5400");
        expect(Object.keys(a)).to.have.length(3);
    });

    it("gives the same token for the same spec and timeout, another for any change", () => {
        const token = (r: typeof on, s: unknown) => readinessAnnotations(r, s)[APPLIED_ANNOTATION];
        expect(token(on, spec)).to.equal(token(on, { ...spec }));
        expect(token(on, { ...spec, interval: "5m" })).not.to.equal(token(on, spec));
        expect(token({ ...on, timeout: "1h" }, spec)).not.to.equal(token(on, spec));
    });

    it("asks for nothing when waiting is off or the object is suspended", () => {
        expect(readinessAnnotations({ enabled: false, timeout: "10m" }, spec)).to.deep.equal({});
        expect(readinessAnnotations({ enabled: true, timeout: "10m" }, spec, true)).to.deep.equal(
            {},
        );
    });

    it("takes an annotation added later into the token, and leaves objects that do not wait alone", () => {
        const a = readinessAnnotations(on, spec);
        const b = retoken({ ...a, extra: "x" }, "x");
        expect(b[APPLIED_ANNOTATION]).not.to.equal(a[APPLIED_ANNOTATION]);
        expect(b["pulumi.com/waitFor"]).to.contain(`=${b[APPLIED_ANNOTATION] as string}"`);
        expect(retoken({ extra: "x" }, "x")).to.deep.equal({ extra: "x" });
    });
});
