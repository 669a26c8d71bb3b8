import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { load } from "js-yaml";

/**
 * How to reach the API server without @kubernetes/client-node, whose loading (every generated
 * model of the API) is most of what the upgrade check costs a preview (bench/README.md). Only
 * for the kubeconfigs whose meaning is plain (an https server, a CA, a client certificate or a
 * bearer token); for anything else (exec and auth-provider plugins, proxies, impersonation, several
 * files in KUBECONFIG, in-cluster config, ...) this is undefined and the client is used.
 */
export interface RestAccess {
    /** The server's URL, without a trailing slash (it may carry a path prefix). */
    server: string;
    tls: https.AgentOptions;
    headers: Record<string, string>;
}

type Entry = Record<string, unknown>;

/** Where the client would read the kubeconfig from (KubeConfig.loadFromDefault), when that is one file. */
export function defaultKubeconfigFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (env.KUBECONFIG !== undefined && env.KUBECONFIG.length > 0) {
        const files = env.KUBECONFIG.split(path.delimiter).filter((f) => f);
        // Several files are merged by rules of their own.
        return files.length === 1 ? files[0] : undefined;
    }
    if (process.platform === "win32" || !env.HOME) return undefined;
    const file = path.join(env.HOME, ".kube", "config");
    return fs.existsSync(file) ? file : undefined;
}

function named(list: unknown, name: unknown, field: string): Entry | undefined {
    if (!Array.isArray(list)) return undefined;
    const found = (list as Entry[]).find((e) => e?.name === name);
    const value = found?.[field];
    return typeof value === "object" && value !== null ? (value as Entry) : undefined;
}

const KNOWN_CLUSTER_FIELDS = new Set([
    "server",
    "certificate-authority",
    "certificate-authority-data",
    "insecure-skip-tls-verify",
    "tls-server-name",
    "extensions",
]);
const KNOWN_USER_FIELDS = new Set([
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "token",
    "extensions",
]);

/**
 * The access a kubeconfig gives, as the client would apply it, or undefined when it needs more
 * than this reads. `dir` is the folder relative file names are resolved against (the client
 * resolves them against the kubeconfig file's folder, and leaves them to the working directory
 * for a kubeconfig given as text); `context` overrides `current-context`.
 */
export function restAccess(
    text: string,
    dir: string | undefined,
    context?: string,
): RestAccess | undefined {
    // js-yaml, as @kubernetes/client-node reads kubeconfigs; @pulumi/kubernetes has it loaded already.
    const doc = load(text) as Entry | null;
    if (typeof doc !== "object" || doc === null) return undefined;
    const ctx = named(doc.contexts, context ?? doc["current-context"], "context");
    if (ctx === undefined) return undefined;
    const cluster = named(doc.clusters, ctx.cluster, "cluster");
    const user = named(doc.users, ctx.user, "user");
    if (cluster === undefined || user === undefined) return undefined;
    if (Object.keys(cluster).some((k) => !KNOWN_CLUSTER_FIELDS.has(k))) return undefined;
    if (Object.keys(user).some((k) => !KNOWN_USER_FIELDS.has(k))) return undefined;
    if (typeof cluster.server !== "string" || !cluster.server.startsWith("https://")) {
        return undefined;
    }
    const file = (v: unknown) =>
        typeof v === "string" && v !== ""
            ? fs.readFileSync(dir === undefined ? v : path.resolve(dir, v))
            : undefined;
    const data = (v: unknown) =>
        typeof v === "string" && v !== "" ? Buffer.from(v, "base64") : undefined;
    // As the client: a file wins over data.
    const either = (entry: Entry, field: string) =>
        file(entry[field]) ?? data(entry[`${field}-data`]);
    const tls: https.AgentOptions = {};
    const ca = either(cluster, "certificate-authority");
    const cert = either(user, "client-certificate");
    const key = either(user, "client-key");
    if (ca !== undefined) tls.ca = ca;
    if (cert !== undefined) tls.cert = cert;
    if (key !== undefined) tls.key = key;
    if (cluster["insecure-skip-tls-verify"] === true) tls.rejectUnauthorized = false;
    if (typeof cluster["tls-server-name"] === "string") tls.servername = cluster["tls-server-name"];
    const headers: Record<string, string> = { Accept: "application/json" };
    if (typeof user.token === "string" && user.token !== "") {
        headers.Authorization = `Bearer ${user.token}`;
    }
    return { server: cluster.server.replace(/\/$/, ""), tls, headers };
}

/** An answer other than 200 or 404, or a body that is not JSON. */
class RestError extends Error {}

/**
 * GETs each path as JSON over one connection pool; 404 gives undefined. Requests that take
 * longer than `timeoutMs` fail, so that the caller can fall back to the client in good time.
 */
export function restClient(access: RestAccess, timeoutMs = 15000) {
    const agent = new https.Agent({ ...access.tls, keepAlive: true });
    const get = (p: string): Promise<unknown> =>
        new Promise((resolve, reject) => {
            const req = https.get(
                `${access.server}${p}`,
                { agent, headers: access.headers, timeout: timeoutMs },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("error", reject);
                    res.on("end", () => {
                        if (res.statusCode === 404) return resolve(undefined);
                        if (res.statusCode !== 200) {
                            return reject(new RestError(`GET ${p}: HTTP ${res.statusCode}`));
                        }
                        try {
                            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
                        } catch (e) {
                            reject(new RestError(`GET ${p}: ${(e as Error).message}`));
                        }
                    });
                },
            );
            req.on("timeout", () => req.destroy(new RestError(`GET ${p}: timed out`)));
            req.on("error", reject);
        });
    return { get, close: () => agent.destroy() };
}
