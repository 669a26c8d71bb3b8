import { mayHoldCredentials, redactUrl } from "../redact";
import { EXPECT } from "../schema";

type UrlCheck =
    | { ok: true; url: string; scheme: "ssh" | "https" | "http" }
    | { ok: false; expected: string; hasCredentials?: boolean };

/**
 * Accepts what Flux's GitRepository accepts; explains the usual mistakes.
 * Credentials are looked for first, so that no later message (such as the
 * rewritten scp-style address) can repeat them.
 */
export function checkGitUrl(url: string | undefined): UrlCheck {
    if (url === undefined || url.trim() === "") {
        return { ok: false, expected: `${EXPECT.gitUrl}; it is required` };
    }
    if (mayHoldCredentials(url)) {
        return {
            ok: false,
            hasCredentials: true,
            expected:
                `${EXPECT.gitUrl} without credentials, query or fragment (${redactUrl(url)}); ` +
                "put credentials in the git secrets (see docs/configuration.md): Flux stores the URL in plain text",
        };
    }
    const scp = /^([^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(url);
    if (scp !== null) {
        const hint = `ssh://${scp[1] ?? "git@"}${scp[2]}/${scp[3].replace(/^\//, "")}`;
        return {
            ok: false,
            expected: `${EXPECT.gitUrl}; Flux does not take scp-style addresses, write ${hint}`,
        };
    }
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return { ok: false, expected: EXPECT.gitUrl };
    }
    const scheme = parsed.protocol.replace(/:$/, "");
    if (scheme !== "ssh" && scheme !== "https" && scheme !== "http") {
        return { ok: false, expected: EXPECT.gitUrl };
    }
    if (parsed.hostname === "" || parsed.pathname === "" || parsed.pathname === "/") {
        return { ok: false, expected: `${EXPECT.gitUrl}; it needs a host and a repository path` };
    }
    return { ok: true, url, scheme };
}
