import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { defaultKubeconfigFile, restAccess } from "../../prepare/kube-rest";

const b64 = (s: string) => Buffer.from(s).toString("base64");

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            { name: "other", cluster: { server: "https://other.invalid" } },
            { name: "c", cluster },
        ],
        users: [{ name: "u", user }],
        contexts: [
            { name: "first", context: { cluster: "other", user: "u" } },
            { name: "ctx", context: { cluster: "c", user: "u" } },
        ],
        "current-context": "ctx",
    });
}

describe("prepare/kube-rest: plain HTTPS access to the cluster, or the client", () => {
    const certs = { "client-certificate-data": b64("CERT"), "client-key-data": b64("KEY") };

    it("reads the current context's server, CA and client certificate as the client applies them", () => {
        const a = restAccess(
            kubeconfig(
                { server: "https://127.0.0.1:16443/", "certificate-authority-data": b64("CA") },
                certs,
            ),
            undefined,
        );
        expect(a?.server).to.equal("https://127.0.0.1:16443");
        expect(a?.tls.ca?.toString()).to.equal("CA");
        expect(a?.tls.cert?.toString()).to.equal("CERT");
        expect(a?.tls.key?.toString()).to.equal("KEY");
        expect(a?.tls.rejectUnauthorized).to.equal(undefined);
        expect(a?.headers.Authorization).to.equal(undefined);
    });

    it("takes kubernetes:context over current-context, a bearer token, and insecure-skip-tls-verify", () => {
        const text = kubeconfig(
            {
                server: "https://c.invalid",
                "insecure-skip-tls-verify": true,
                "tls-server-name": "api",
            },
            { token: "t0k" },
        );
        expect(restAccess(text, undefined, "first")?.server).to.equal("https://other.invalid");
        const a = restAccess(text, undefined);
        expect(a?.headers.Authorization).to.equal("Bearer t0k");
        expect(a?.tls.rejectUnauthorized).to.equal(false);
        expect(a?.tls.servername).to.equal("api");
    });

    it("reads files relative to the kubeconfig's folder, a file before data, as the client does", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-rest-"));
        try {
            fs.writeFileSync(path.join(dir, "ca.crt"), "FILE-CA");
            const a = restAccess(
                kubeconfig(
                    {
                        server: "https://c.invalid",
                        "certificate-authority": "ca.crt",
                        "certificate-authority-data": b64("DATA-CA"),
                    },
                    certs,
                ),
                dir,
            );
            expect(a?.tls.ca?.toString()).to.equal("FILE-CA");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("leaves to the client whatever else a kubeconfig can ask for", () => {
        const cases: [Record<string, unknown>, Record<string, unknown>][] = [
            [{ server: "https://c.invalid", "proxy-url": "http://proxy.invalid" }, certs],
            [{ server: "http://c.invalid", "insecure-skip-tls-verify": true }, certs],
            [{ server: "https://c.invalid" }, { exec: { command: "aws" } }],
            [{ server: "https://c.invalid" }, { "auth-provider": { name: "oidc" } }],
            [{ server: "https://c.invalid" }, { username: "u", password: "p" }],
            [{ server: "https://c.invalid" }, { "token-file": "/t" }],
            [{ server: "https://c.invalid" }, { ...certs, as: "someone" }],
        ];
        for (const [cluster, user] of cases) {
            expect(
                restAccess(kubeconfig(cluster, user), undefined),
                JSON.stringify([cluster, user]),
            ).to.equal(undefined);
        }
        const text = kubeconfig({ server: "https://c.invalid" }, certs);
        expect(restAccess(text, undefined, "missing")).to.equal(undefined);
        expect(restAccess("", undefined)).to.equal(undefined);
    });

    it("reads KUBECONFIG when it names one file, else ~/.kube/config when it exists", () => {
        expect(defaultKubeconfigFile({ KUBECONFIG: "/a/config" })).to.equal("/a/config");
        expect(defaultKubeconfigFile({ KUBECONFIG: `/a/config${path.delimiter}` })).to.equal(
            "/a/config",
        );
        expect(defaultKubeconfigFile({ KUBECONFIG: `/a${path.delimiter}/b` })).to.equal(undefined);
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "kube-home-"));
        try {
            expect(defaultKubeconfigFile({ KUBECONFIG: "", HOME: home })).to.equal(undefined);
            fs.mkdirSync(path.join(home, ".kube"));
            fs.writeFileSync(path.join(home, ".kube", "config"), "");
            expect(defaultKubeconfigFile({ HOME: home })).to.equal(
                path.join(home, ".kube", "config"),
            );
        } finally {
            fs.rmSync(home, { recursive: true, force: true });
        }
    });
});
