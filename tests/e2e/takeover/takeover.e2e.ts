/**
 * Takeover of a live cluster bootstrapped the way the seed's users did it (`flux bootstrap`
 * and a hand-kept clusters/prod/flux-system folder), through `npm run takeover` and the real
 * pulumi CLI in a copy of the project, with nothing lost. run.sh sets up the toolchain, the
 * cluster and the Git server; this suite starts from a fresh cluster of its own.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    getObject,
    kubectl,
    readyCondition,
    requestReconcile,
    waitUntil,
} from "../../integration/helpers/kube";
import { env } from "../../integration/helpers/loopback";
import { LAYERS, NS, freshCluster, waitAllReady } from "../helpers/cluster";
import { CliResult, ProjectCopy } from "../helpers/pulumi-cli";
import { buildSeedRepo, gotkComponents, headCommit, removeFluxFolder } from "../helpers/seed-repo";
import {
    CONTROLLERS,
    OWNER_LABEL,
    Recorded,
    ageKeyFile,
    bootstrapLikeFlux,
    configureStack,
    createdLines,
    helmRevisions,
    lifecycleLines,
    listedUnder,
    pidFile,
    recordApplied,
    uidsChanged as changedSince,
    applyCommit,
    takeOverWatched,
} from "../helpers/takeover";

const FLUX_VERSION = "v2.9.5";

describe("takeover of a flux-bootstrapped cluster (npm run takeover + pulumi up)", function () {
    this.timeout(20 * 60 * 1000);
    const dir = env("E2E_DIR");
    let project: ProjectCopy;
    let repo: string;
    let recorded: Map<string, Recorded>;
    let helmBefore: Record<string, number>;
    const pidsBefore: Record<string, string> = {};
    const stack = "--stack prod";

    const controllers = CONTROLLERS;
    /**
     * Recorded objects that were deleted or recreated (another UID), or, for the layers'
     * Namespaces and Secrets (no status, nothing but an apply writes them), written at all.
     */
    const uidsChanged = () =>
        changedSince(
            recorded,
            (id) => /_(Namespace|Secret)$/.test(id) && !id.startsWith(`_${NS}_`),
        );

    before(async () => {
        freshCluster();
        const age = await import("age-encryption");
        const ageKey = await age.generateX25519Identity();
        const recipient = await age.identityToRecipient(ageKey);
        repo = path.join(dir, "seed-repo");
        const url = buildSeedRepo(recipient, repo, FLUX_VERSION);

        // The project copy has its own backend: the other suite's stacks are called prod too.
        project = ProjectCopy.create(path.join(dir, "takeover-project"), {
            PULUMI_BACKEND_URL: `file://${path.join(dir, "takeover-state")}`,
        });
        fs.mkdirSync(path.join(dir, "takeover-state"), { recursive: true });
        const keyFile = project.writeFile("age.agekey", ageKeyFile(ageKey, recipient));

        // flux bootstrap: install, the Git Secret, gotk-sync; the seed's users add sops-age by hand.
        const components = path.join(dir, "gotk-components.yaml");
        fs.writeFileSync(components, gotkComponents(FLUX_VERSION));
        const sync = path.join(repo, "clusters", "prod", "flux-system", "gotk-sync.yaml");
        await bootstrapLikeFlux(components, sync, keyFile);
        expect(url).to.contain("seed-gitops");

        recorded = recordApplied();
        helmBefore = helmRevisions();
        for (const c of controllers) pidsBefore[c] = fs.readFileSync(pidFile(c), "utf8").trim();
        console.log(
            `      seed cluster: ${recorded.size} objects applied by Flux, Helm revisions ${JSON.stringify(helmBefore)}`,
        );
        await configureStack(project, url, components);
    });

    it("refuses, changing nothing, when the stack's age key is not the cluster's", async () => {
        const age = await import("age-encryption");
        project.writeFile("other.agekey", `${await age.generateX25519Identity()}\n`);
        await project.run("pulumi config set --secret flux-gitops:ageKey < other.agekey");
        const r = await project.run(`npm run --silent takeover -- ${stack}`, {
            allowFailure: true,
        });
        await project.run("pulumi config set --secret flux-gitops:ageKey < age.agekey");
        expect(r.code).to.equal(2);
        expect(r.output).to.contain(
            "Secret flux-system/sops-age: data key age.agekey differs from flux-gitops:ageKey",
        );
        expect(r.output).to.contain("Refusing to take over (1 problem); nothing was changed:");
        expect(uidsChanged()).to.deep.equal([]);
    });

    it("refuses a Flux version it does not handle", async () => {
        const crd = "kustomizations.kustomize.toolkit.fluxcd.io";
        kubectl(["label", "--overwrite", "crd", crd, "app.kubernetes.io/version=v2.6.0"]);
        const r = await project.run(`npm run --silent takeover -- ${stack}`, {
            allowFailure: true,
        });
        kubectl(["label", "--overwrite", "crd", crd, `app.kubernetes.io/version=${FLUX_VERSION}`]);
        expect(r.code).to.equal(2);
        expect(r.output).to.contain("Flux version v2.6.0 is not one this takeover handles");
    });

    it("refuses while a layer is not Ready, with Flux's message", async () => {
        const setPath = (p: string) =>
            kubectl([
                "patch",
                "kustomization",
                "apps",
                "-n",
                NS,
                "--type",
                "merge",
                "-p",
                JSON.stringify({ spec: { path: p } }),
            ]);
        setPath("./nowhere");
        requestReconcile("kustomization", NS, "apps");
        await waitUntil(
            "apps not Ready",
            () =>
                readyCondition(getObject("kustomization", NS, "apps"))?.status === "False"
                    ? true
                    : undefined,
            60_000,
        );
        const r = await project.run(`npm run --silent takeover -- ${stack}`, {
            allowFailure: true,
        });
        setPath("./gitops/apps/applications");
        requestReconcile("kustomization", NS, "apps");
        await waitAllReady("apps Ready again", 120_000);
        expect(r.code).to.equal(2);
        expect(r.output).to.match(
            /Kustomization flux-system\/apps is not Ready \(.*nowhere.*\); fix the layer first/,
        );
        // Recorded again: the layer re-applied its objects (same UIDs, new resourceVersions).
        expect(uidsChanged()).to.deep.equal([]);
    });

    let planOutput: CliResult;
    it("looks before it touches: prints what it adopts and changes, and changes nothing", async () => {
        const rootBefore = getObject("kustomization", NS, NS).metadata.resourceVersion;
        planOutput = await project.run(`npm run --silent takeover -- ${stack}`);
        console.log(planOutput.output.replace(/^/gm, "        "));
        expect(planOutput.output).to.contain(
            "Found the bootstrap of stack prod: Flux v2.9.5, root Kustomization flux-system/flux-system (path ./clusters/prod, prune: true, source flux-system).",
        );
        for (const l of LAYERS)
            expect(planOutput.output).to.contain(`  Kustomization flux-system/${l}\n`);
        expect(planOutput.output).to.contain("  Secret flux-system/sops-age\n");
        expect(planOutput.output).to.contain(
            'Kustomization flux-system/databases: spec.deletionPolicy (unset) -> "Orphan"',
        );
        expect(planOutput.output).to.contain("Nothing was changed.");
        expect(getObject("kustomization", NS, NS).metadata.resourceVersion).to.equal(rootBefore);
    });

    let takeoverSeconds = 0;
    it("takes over: no object deleted or recreated, no Helm upgrade, controllers kept, layers Ready throughout", async () => {
        const {
            result: run,
            problems,
            progressing,
            polls,
            seconds,
        } = await takeOverWatched(project, stack, LAYERS);
        takeoverSeconds = seconds;
        console.log(run.t.output.replace(/^/gm, "        "));
        // docs/takeover.md quotes these lines of the preview: the namespace, sops-age, databases, the totals.
        const excerpt = run.preview.output
            .split("\n")
            .filter((l) =>
                /(Namespace flux:flux-system|Secret sops-age|layers-databases) (import|update)|^Resources:|^\s+[-+=~]+ ?\d+ to |^\s+\d+ unchanged/.test(
                    l,
                ),
            );
        console.log(excerpt.map((l) => `        | ${l}`).join("\n"));
        console.log(
            `      takeover (npm run takeover --yes + pulumi preview + pulumi up): ${takeoverSeconds.toFixed(1)}s`,
        );
        console.log(
            `      of which takeover --yes ${run.t.seconds.toFixed(1)}s, preview ${run.preview.seconds.toFixed(1)}s, up ${run.up.seconds.toFixed(1)}s`,
        );
        console.log(
            `      layer polls during the takeover: ${polls}, Progressing observations: ${progressing}`,
        );
        expect(problems, "layers not Ready during the takeover").to.deep.equal([]);
        // Every adopted object is imported, none created: the engine reads it, then updates it.
        const listed = Number(/Listed the (\d+) objects to adopt/.exec(run.t.output)?.[1]);
        const adoptedLines = listedUnder(run.t.output, "Will adopt");
        expect(listed, "objects listed").to.equal(adoptedLines.length);
        // The namespace, every CRD of the bootstrap's install, a Service, 2 Secrets, the
        // GitRepository and the 3 layers.
        const crds = fs.readdirSync(env("FLUX_CRD_DIR")).filter((f) => f.endsWith(".yaml")).length;
        expect(crds, "the toolchain's CRDs").to.be.at.least(8);
        expect(listed, "objects listed").to.equal(1 + crds + 1 + 2 + 1 + 3);
        for (const [what, out] of [
            ["preview", run.preview.output],
            ["up", run.up.output],
        ]) {
            expect(out, what).to.match(new RegExp(`${listed} to import`));
            // Only the program's components (which own nothing in the cluster) are new.
            expect(createdLines(out), what).to.deep.equal([]);
        }
        expect(run.up.output).to.match(new RegExp(`${listed} imported`));
        expect(lifecycleLines(run.up.output)).to.deep.equal([]);
        expect(getObject("kustomization", NS, NS), "root Kustomization").to.equal(undefined);
        const rootId = `${NS}_${NS}_kustomize.toolkit.fluxcd.io_Kustomization`;
        recorded.delete(rootId);
        expect(uidsChanged()).to.deep.equal([]);
        expect(helmRevisions()).to.deep.equal(helmBefore);
        for (const c of controllers) {
            expect(fs.readFileSync(pidFile(c), "utf8").trim(), c).to.equal(pidsBefore[c]);
            expect(() => process.kill(Number(pidsBefore[c]), 0), `${c} running`).not.to.throw();
        }
    });

    it("leaves no Flux owner label, no kustomize-controller or kubectl field ownership on adopted objects", () => {
        const adopted = [
            ["kustomization", NS, "infrastructure"],
            ["kustomization", NS, "databases"],
            ["kustomization", NS, "apps"],
            ["gitrepository", NS, NS],
            ["namespace", "", NS],
            ["crd", "", "kustomizations.kustomize.toolkit.fluxcd.io"],
            ["crd", "", "helmreleases.helm.toolkit.fluxcd.io"],
            ["secret", NS, "sops-age"],
            ["secret", NS, NS],
            ["service", NS, "webhook-receiver"],
        ];
        for (const [kind, ns, name] of adopted) {
            const where = ns === "" ? [] : ["-n", ns];
            // kubectl hides managedFields unless asked.
            const o = JSON.parse(
                kubectl(["get", kind, name, ...where, "-o", "json", "--show-managed-fields"]),
            );
            expect(o.metadata.managedFields, `${kind} ${name} managedFields`).to.be.an("array");
            expect(o.metadata.labels?.[OWNER_LABEL], `${kind} ${name}`).to.equal(undefined);
            const previous = o.metadata.managedFields.filter(
                (e: any) =>
                    (e.manager === "kustomize-controller" && e.operation === "Apply") ||
                    String(e.manager).startsWith("kubectl"),
            );
            expect(previous, `${kind} ${name}`).to.deep.equal([]);
            expect(
                (o.metadata.managedFields ?? []).some(
                    (e: any) => e.manager === "flux-gitops-takeover" && e.operation === "Apply",
                ),
                `${kind} ${name} owned by the stack's apply`,
            ).to.equal(true);
        }
        expect(getObject("kustomization", NS, "databases").spec.deletionPolicy).to.equal("Orphan");
    });

    it("a following pulumi preview --expect-no-changes passes", async () => {
        await project.run(`pulumi preview ${stack} --expect-no-changes --diff`);
    });

    it("later changes apply without a field conflict: a layer's interval, an install label, the takeover key's removal", async () => {
        // Values the bootstrap set, changed through the stack. Had the takeover dropped the
        // previous owners' field ownership instead of passing it on, the namespace (kustomize-
        // controller its only owner) would have no owner left, the API server would give its
        // fields to before-first-apply on Pulumi's first apply, and this change would conflict:
        // what every Flux upgrade does to the install's version labels.
        const manifest = path.join(project.dir, "gotk-components.yaml");
        const text = fs.readFileSync(manifest, "utf8");
        expect(text.startsWith("apiVersion: v1\nkind: Namespace\n"), "namespace first").to.equal(
            true,
        );
        fs.writeFileSync(
            manifest,
            text.replace(
                "app.kubernetes.io/part-of: flux\n",
                "app.kubernetes.io/part-of: flux-platform\n",
            ),
        );
        await project.runAll([
            "pulumi config set --path layers.apps.interval 9m",
            "pulumi config rm flux-gitops:takeover",
        ]);
        const up = await project.run(`pulumi up ${stack}`);
        expect(lifecycleLines(up.output)).to.deep.equal([]);
        expect(getObject("kustomization", NS, "apps").spec.interval).to.equal("9m");
        const ns = JSON.parse(kubectl(["get", "namespace", NS, "-o", "json"]));
        expect(ns.metadata.labels["app.kubernetes.io/part-of"]).to.equal("flux-platform");
        // The takeover's field manager annotation is gone; the manager itself stays the owner.
        for (const [kind, name] of [
            ["secret", NS],
            ["secret", "sops-age"],
            ["kustomization", "databases"],
        ]) {
            const o = getObject(kind, NS, name);
            expect(
                o.metadata.annotations?.["pulumi.com/patchFieldManager"],
                `${kind} ${name}`,
            ).to.equal(undefined);
        }
        expect(uidsChanged()).to.deep.equal([]);
        expect(helmRevisions()).to.deep.equal(helmBefore);
        await project.run(`pulumi preview ${stack} --expect-no-changes --diff`);
    });

    it("deleting the flux-system folder from Git changes nothing; Flux keeps reconciling the layers", async () => {
        removeFluxFolder(repo);
        const { problems, progressing } = await applyCommit(headCommit(repo), LAYERS);
        console.log(
            `      after the folder's removal: ${progressing} transient waits (Progressing, DependencyNotReady)`,
        );
        expect(problems).to.deep.equal([]);
        await waitAllReady("layers Ready at the new commit", 120_000);
        expect(uidsChanged()).to.deep.equal([]);
        expect(helmRevisions()).to.deep.equal(helmBefore);
        await project.run(`pulumi preview ${stack} --expect-no-changes --diff`);
    });

    it("refuses once the bootstrap is gone, pointing at --resume", async () => {
        const r = await project.run(`npm run --silent takeover -- ${stack}`, {
            allowFailure: true,
        });
        expect(r.code).to.equal(2);
        expect(r.output).to.contain(
            "no Flux bootstrap found: no Kustomization in namespace flux-system",
        );
        expect(r.output).to.contain("run it again with --resume");
    });

    it("refuses a cluster without Flux", async () => {
        freshCluster();
        const r = await project.run(`npm run --silent takeover -- ${stack}`, {
            allowFailure: true,
        });
        expect(r.code).to.equal(2);
        expect(r.output).to.contain(
            "no Flux bootstrap found: the cluster has no Kustomization CRD (kustomizations.kustomize.toolkit.fluxcd.io). For a cluster without Flux, run `pulumi up` directly.",
        );
        console.log(`      measured: takeover wall time ${takeoverSeconds.toFixed(1)}s`);
    });
});
