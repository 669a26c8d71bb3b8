import { z } from "zod";
import { gitSchema } from "../git-schema";
import { fits } from "../schema";
import { GitAuthKind, GitSettings } from "../../flux/git";
import { confidential, parseSection, SectionContext } from "./context";
import { GitCredentials, parseGitCaBundle, parseGitCredentials } from "./git-credentials";
import { checkGitUrl } from "./git-url";

/** The Git source with its credentials still plain; the loader wraps them as Pulumi secrets. */
export type ParsedGit = Pick<
    z.output<typeof gitSchema>,
    "repositoryName" | "ref" | "interval" | "secretName"
> & {
    url: string;
    auth: GitAuthKind;
    credentials: GitCredentials;
    /** PEM CA certificates, plain here. */
    caBundle?: string;
    confidential?: boolean;
};
fits<Omit<ParsedGit, "auth" | "credentials">, Omit<GitSettings<string>, "auth">>();

/** `git` and the Git secret keys: URL, revision, auth kind and the credentials it needs. */
export function parseGit(ctx: SectionContext): ParsedGit | undefined {
    const git = parseSection(ctx, "git", gitSchema);
    if (git === undefined) return undefined;
    const url = checkGitUrl(git.url);
    if (!url.ok) {
        if (url.hasCredentials) {
            ctx.problems.addDescribed(
                "git",
                ["url"],
                "[contains credentials, not shown]",
                url.expected,
            );
        } else {
            ctx.problems.add("git", ["url"], git.url, url.expected);
        }
        // Which credentials belong depends on the URL's scheme: judge them only for a valid URL.
        return undefined;
    }
    // A GitHub App authenticates by itself: `provider: github` is the auth.
    if (git.provider === "github" && git.auth !== undefined) {
        ctx.problems.add(
            "git",
            ["auth"],
            git.auth,
            "unset when `flux-gitops:git.provider` is github (the GitHub App credentials authenticate)",
        );
        return undefined;
    }
    const auth: GitAuthKind =
        git.provider === "github"
            ? "github"
            : (git.auth ?? (url.scheme === "ssh" ? "ssh" : "none"));
    if (!authFitsScheme(ctx, url.scheme, auth, git.auth)) return undefined;
    const credentials = parseGitCredentials(ctx, auth);
    const ca = parseGitCaBundle(ctx, url.scheme);
    if (credentials === undefined || !ca.ok) return undefined;
    return {
        repositoryName: git.repositoryName,
        url: url.url,
        ref: git.ref,
        interval: git.interval,
        secretName: git.secretName,
        auth,
        credentials,
        ...(ca.caBundle !== undefined && { caBundle: ca.caBundle }),
        ...confidential(ctx, "git"),
    };
}

/** ssh needs ssh://; basic and bearer need https://, where credentials are not sent in clear. */
function authFitsScheme(
    ctx: SectionContext,
    scheme: "ssh" | "https" | "http",
    auth: GitAuthKind,
    given: GitAuthKind | undefined,
): boolean {
    let expected: string | undefined;
    if (scheme === "ssh" && auth !== "ssh") {
        expected = "ssh (or unset) for an ssh:// URL";
    } else if (scheme !== "https" && auth === "github") {
        expected = "an https:// URL for `flux-gitops:git.provider` github";
    } else if (scheme !== "ssh" && auth === "ssh") {
        expected = "basic, bearer or none for an http(s):// URL; ssh needs an ssh:// URL";
    } else if (scheme === "http" && auth !== "none") {
        expected = "none for a plain http:// URL; credentials are only sent over https://";
    }
    if (expected !== undefined) ctx.problems.add("git", ["auth"], given, expected);
    return expected === undefined;
}
