/**
 * Which config changes replace a layer's Kustomization or the GitRepository, and which update
 * them in place. Replacing either deletes the live object first (same name), and Flux then
 * prunes what it applied, so only a change of a layer's name or of the namespace may do it.
 *
 * The engine replaces a resource whose URN changes (create, then delete the old one), and
 * @pulumi/kubernetes 4.25 replaces a custom resource whose `metadata.name` or
 * `metadata.namespace` changes: for API groups outside its table (the Flux groups) those are
 * its only force-new fields (provider/pkg/provider/diff.go, forceNewProperties). The e2e suite
 * checks the provider's verdict through the real engine's preview.
 */
import { expect } from "chai";
import { stackWithSecrets, withValue } from "../helpers/fixtures";
import { ProgramRun, Registered, runProgram } from "../helpers/mocks";

type Verdict = "none" | "update" | "replace";

const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const GIT_REPOSITORY = "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository";

/** What the engine and provider do to `before` when the program declares `after`. */
function verdict(before: Registered, after: Registered | undefined): Verdict {
    if (after === undefined) return "replace";
    const id = (r: Registered) => [r.inputs.metadata?.name, r.inputs.metadata?.namespace];
    if (JSON.stringify(id(before)) !== JSON.stringify(id(after))) return "replace";
    return JSON.stringify(before.inputs) === JSON.stringify(after.inputs) ? "none" : "update";
}

function byMetadataName(run: ProgramRun, type: string, name: string): Registered {
    const found = run.resources.filter((r) => r.type === type && r.inputs.metadata?.name === name);
    expect(found, `${type} ${name}`).to.have.length(1);
    return found[0];
}

/** A change to the prod stack's config and what it must do to the databases layer and the source. */
interface Case {
    what: string;
    key: string;
    path: (string | number)[];
    value: unknown;
    databases: Verdict;
    source: Verdict;
    /** Extra edits the change needs to be valid. */
    also?: [string, (string | number)[], unknown][];
}

const cases: Case[] = [
    {
        what: "layer interval",
        key: "layers",
        path: ["databases", "interval"],
        value: "5m",
        databases: "update",
        source: "none",
    },
    {
        what: "layer path",
        key: "layers",
        path: ["databases", "path"],
        value: "./gitops/db",
        databases: "update",
        source: "none",
    },
    {
        what: "layer prune",
        key: "layers",
        path: ["databases", "prune"],
        value: false,
        databases: "update",
        source: "none",
    },
    {
        what: "layer dependsOn",
        key: "layers",
        path: ["databases", "dependsOn"],
        value: [],
        databases: "update",
        source: "none",
    },
    {
        what: "layer healthChecks",
        key: "layers",
        path: ["databases", "healthChecks"],
        value: [{ name: "pg", namespace: "db" }],
        databases: "update",
        source: "none",
    },
    {
        what: "layer timeout",
        key: "layers",
        path: ["databases", "timeout"],
        value: "3m",
        databases: "update",
        source: "none",
    },
    {
        what: "layer retryInterval",
        key: "layers",
        path: ["databases", "retryInterval"],
        value: "30s",
        databases: "update",
        source: "none",
    },
    {
        what: "layer deletionPolicy",
        key: "layers",
        path: ["databases", "deletionPolicy"],
        value: "Delete",
        databases: "update",
        source: "none",
    },
    {
        what: "layer suspend",
        key: "layers",
        path: ["databases", "suspend"],
        value: true,
        databases: "update",
        source: "none",
    },
    {
        what: "layer targetNamespace",
        key: "layers",
        path: ["databases", "targetNamespace"],
        value: "db",
        databases: "update",
        source: "none",
    },
    {
        what: "layer substitute",
        key: "layers",
        path: ["databases", "substitute"],
        value: { A: "b" },
        databases: "update",
        source: "none",
    },
    {
        what: "layer readinessTimeout",
        key: "layers",
        path: ["databases", "readinessTimeout"],
        value: "20m",
        databases: "update",
        source: "none",
    },
    {
        what: "readiness off",
        key: "readiness",
        path: ["enabled"],
        value: false,
        databases: "update",
        source: "update",
    },
    {
        what: "readiness timeout",
        key: "readiness",
        path: ["timeout"],
        value: "20m",
        databases: "update",
        source: "update",
    },
    {
        what: "another layer's interval",
        key: "layers",
        path: ["apps", "interval"],
        value: "1m",
        databases: "none",
        source: "none",
    },
    {
        what: "sops Secret name",
        key: "sops",
        path: ["secretName"],
        value: "age-keys",
        databases: "update",
        source: "none",
    },
    {
        what: "git url",
        key: "git",
        path: ["url"],
        value: "ssh://git@example.com/org/other.git",
        databases: "none",
        source: "update",
    },
    {
        what: "git ref",
        key: "git",
        path: ["ref"],
        value: { tag: "v1.0.0" },
        databases: "none",
        source: "update",
    },
    {
        what: "git interval",
        key: "git",
        path: ["interval"],
        value: "5m",
        databases: "none",
        source: "update",
    },
    {
        what: "git auth Secret name",
        key: "git",
        path: ["secretName"],
        value: "deploy-key",
        databases: "none",
        source: "update",
    },
    {
        what: "Flux version",
        key: "flux",
        path: ["version"],
        value: "v2.8.0",
        databases: "none",
        source: "none",
    },
    // The identity changes: the only ones allowed to replace.
    {
        what: "GitRepository name",
        key: "git",
        path: ["repositoryName"],
        value: "gitops",
        databases: "update",
        source: "replace",
    },
    {
        what: "Flux namespace",
        key: "flux",
        path: ["namespace"],
        value: "flux",
        databases: "replace",
        source: "replace",
        also: [
            [
                "flux",
                ["manifest"],
                "https://github.com/fluxcd/flux2/releases/download/v2.9.5/install.yaml",
            ],
        ],
    },
];

describe("config changes: replace or update (prod stack)", () => {
    let base: Awaited<ReturnType<typeof stackWithSecrets>>;
    let baseline: ProgramRun;

    before(async () => {
        base = await stackWithSecrets("prod");
        baseline = await runProgram(base.config, base.secretKeys, { stack: "prod" });
    });

    for (const c of cases) {
        it(`${c.what}: databases layer ${c.databases}, GitRepository ${c.source}`, async () => {
            let config = withValue(base.config, c.key, c.path, c.value);
            for (const [k, p, v] of c.also ?? []) config = withValue(config, k, p, v);
            const after = await runProgram(config, base.secretKeys, { stack: "prod" });
            const urnOf = (run: ProgramRun, r: Registered) =>
                run.resources.find((x) => x.urn === r.urn);
            const db = byMetadataName(baseline, KUSTOMIZATION, "databases");
            const src = byMetadataName(baseline, GIT_REPOSITORY, "flux-system");
            expect(verdict(db, urnOf(after, db)), "databases").to.equal(c.databases);
            expect(verdict(src, urnOf(after, src)), "GitRepository").to.equal(c.source);
        });
    }

    it("renaming a layer replaces its Kustomization (new URN, old one deleted)", async () => {
        const layers = JSON.parse(JSON.stringify(base.config["flux-gitops:layers"]));
        layers.data = { ...layers.databases };
        // Stack layers merge over the seed's, so the old name is switched off explicitly.
        layers.databases = { enabled: false };
        layers.apps.dependsOn = ["data"];
        const after = await runProgram(
            { ...base.config, "flux-gitops:layers": layers },
            base.secretKeys,
            { stack: "prod" },
        );
        const db = byMetadataName(baseline, KUSTOMIZATION, "databases");
        expect(after.resources.find((r) => r.urn === db.urn)).to.equal(undefined);
    });
});
