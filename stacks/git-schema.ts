import { z } from "zod";
import { refNameProblem } from "./git-ref";
import { checked, dnsSubdomain, duration, EXPECT, field, obj, pattern } from "./schema";
import { semverRangeProblem } from "./semver-range";
import { GitRef } from "../flux/git";

const gitRefSchema = obj({
    branch: checked(EXPECT.branch, (v) => refNameProblem(v, "branch")).optional(),
    tag: checked(EXPECT.tag, (v) => refNameProblem(v, "tag")).optional(),
    semver: checked(EXPECT.semver, semverRangeProblem).optional(),
    commit: pattern(/^([0-9a-f]{40}|[0-9a-f]{64})$/, EXPECT.commit).optional(),
    name: checked(EXPECT.refName, (v) => refNameProblem(v, "name")).optional(),
})
    .refine((r) => Object.values(r).filter((v) => v !== undefined).length === 1, {
        error: EXPECT.gitRef,
    })
    // Exactly one field is set: the union Flux's GitRepository takes.
    .transform((r) => r as GitRef);

/** `git`: the GitRepository the layers build from (gotk-sync.yaml names it and its Secret `flux-system`). */
export const gitSchema = obj({
    url: field(z.string({ error: EXPECT.gitUrl }).optional(), {
        type: "`ssh://`, `https://` or `http://` URL, lower-case scheme",
        default: "required (unless `oci` is set)",
        description:
            "Repository Flux syncs from. scp-style `git@host:org/repo` is rejected (write `ssh://git@host/org/repo`); credentials other than an SSH user, a query or a fragment are rejected and never shown.",
        example: "`ssh://git@github.com/acme-platform/cluster-gitops.git`",
    }),
    ref: field(gitRefSchema.default({ branch: "main" }), {
        type: "exactly one of `branch`, `tag`, `semver` (Flux's range syntax: `>=1.0.0 <2.0.0`, `~1.2`, `1.x`), `commit` (full SHA), `name` (a full ref)",
        description: "Revision to follow.",
        example: "`{tag: v1.2.3}`",
    }),
    interval: field(duration.default("1m0s"), {
        description: "How often source-controller fetches.",
        example: "`30s`",
    }),
    auth: field(z.enum(["ssh", "basic", "bearer", "none"], { error: EXPECT.gitAuth }).optional(), {
        type: "`ssh`, `basic`, `bearer`, `none`",
        default: "`ssh` for an `ssh://` URL, else `none`",
        description:
            "Which credentials the auth Secret holds: `ssh` needs `ssh://`; `basic` and `bearer` need `https://`.",
        example: "`basic`",
    }),
    provider: field(
        z.enum(["generic", "github"], { error: EXPECT.gitProvider }).default("generic"),
        {
            type: "`generic`, `github`",
            description:
                "`github` authenticates as a GitHub App with the `gitGithubApp*` keys; needs an `https://` URL and no `git.auth`.",
            example: "`github`",
        },
    ),
    repositoryName: field(dnsSubdomain.default("flux-system"), {
        description: "Name of the GitRepository, the layers' `sourceRef`.",
        example: "`cluster-gitops`",
    }),
    secretName: field(dnsSubdomain.default("flux-system"), {
        type: "DNS-1123 subdomain, not the name of another Secret the stack declares",
        description:
            "Name of the auth Secret (declared when there are credentials or `gitCaBundle`).",
        example: "`git-auth`",
    }),
});
