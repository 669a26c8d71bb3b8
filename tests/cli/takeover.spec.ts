import { buildInstall } from "../../prepare/install";
import { expect } from "chai";
import * as path from "path";
import { UsageError } from "../../cli/args";
import { takeoverArgs } from "../../cli/takeover";
import { parseStackConfig } from "../../stacks";
import { Desired, desiredState } from "../../cli/takeover/desired";
import { describeRef, KubeObject, refOf } from "../../cli/takeover/kube";
import { neutralise, transferredEntries } from "../../cli/takeover/neutralise";
import { TAKEOVER_FIELD_MANAGER } from "../../flux/keys";
import { planTakeover } from "../../cli/takeover/plan";
import { formatPlan } from "../../cli/takeover/report";
import { FakeCluster } from "../helpers/fake-cluster";
import { stackWithSecrets, P } from "../helpers/fixtures";
import { KNOWN_HOSTS } from "../helpers/keys";
import { rawConfig } from "../helpers/raw";
import { SEED_CRDS, seedCluster } from "../helpers/seed-cluster";

const NS = "flux-system";
const URL = "ssh://git@github.com/acme-platform/cluster-gitops.git";

function find(c: FakeCluster, kind: string, name: string): KubeObject | undefined {
    return [...c.objects.values()].find((o) => o.kind === kind && o.metadata.name === name);
}

describe("takeover of a flux bootstrap cluster (prod stack, fake cluster)", () => {
    let want: Desired;
    /** The stack's install objects: the bootstrap's gotk-components.yaml held the same release. */
    let install: KubeObject[];
    let ageKey: string;
    let sshIdentity: string;
    const seed = (patch?: (objs: KubeObject[]) => void) => {
        const objs = seedCluster({
            url: URL,
            ageKey,
            sshIdentity,
            knownHosts: KNOWN_HOSTS,
            install,
        });
        patch?.(objs);
        return new FakeCluster().add(...objs);
    };
    const obj = (objs: KubeObject[], kind: string, name: string) =>
        objs.find((o) => o.kind === kind && o.metadata.name === name)!;

    before(async () => {
        const s = await stackWithSecrets("prod");
        ageKey = s.config[`${P}:ageKey`] as string;
        sshIdentity = s.sshIdentity;
        const parsed = await parseStackConfig(rawConfig(s.config, s.secretKeys));
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        install = (await buildInstall(parsed.config.flux)).objects!;
        want = desiredState(parsed.config, install);
    });

    it("finds the root, adopts the install, source, Secrets and layers, and changes only deletionPolicy", () => {
        const plan = planTakeover(seed(), want);
        expect(plan.refusals).to.deep.equal([]);
        expect(plan.root && describeRef(plan.root.ref)).to.equal(
            "Kustomization flux-system/flux-system",
        );
        expect(plan.fluxVersion).to.equal("v2.9.5");
        expect(install.map((o) => o.kind)).to.include.members([
            "Namespace",
            "CustomResourceDefinition",
            "Deployment",
            "ServiceAccount",
        ]);
        expect(plan.adopted.map(describeRef)).to.have.members([
            ...install.map((o) => describeRef(refOf(o))),
            "GitRepository flux-system/flux-system",
            "Kustomization flux-system/infrastructure",
            "Kustomization flux-system/databases",
            "Kustomization flux-system/apps",
            "Secret flux-system/sops-age",
            "Secret flux-system/flux-system",
        ]);
        // The seed has no deletionPolicy; the prod stack keeps the databases on removal.
        expect(plan.changes).to.deep.equal([
            {
                object: "Kustomization flux-system/databases",
                field: "spec.deletionPolicy",
                from: undefined,
                to: "Orphan",
            },
        ]);
        // flux bootstrap's public key is not part of the stack's Git Secret: removed before the import.
        expect(
            plan.secretWrites.map((w) => [describeRef(w.ref), w.dataKey, w.value]),
        ).to.deep.equal([["Secret flux-system/flux-system", "identity.pub", undefined]]);
        expect(plan.created).to.deep.equal([]);
        expect(plan.leftAlone).to.deep.equal([]);
    });

    it("reports a Flux upgrade as a change", () => {
        const c = new FakeCluster().add(
            ...seedCluster({
                fluxVersion: "v2.7.5",
                url: URL,
                ageKey,
                sshIdentity,
                knownHosts: KNOWN_HOSTS,
                install,
            }),
        );
        const plan = planTakeover(c, want);
        expect(plan.refusals).to.deep.equal([]);
        expect(plan.changes).to.deep.include({
            object: "Flux install",
            field: "version (flux.version)",
            from: "v2.7.5",
            to: "v2.9.5",
        });
    });

    it("refuses a cluster without Flux", () => {
        const plan = planTakeover(new FakeCluster(), want);
        expect(plan.refusals).to.deep.equal([
            "no Flux bootstrap found: the cluster has no Kustomization CRD (kustomizations.kustomize.toolkit.fluxcd.io). " +
                "For a cluster without Flux, run `pulumi up` directly.",
        ]);
    });

    it("refuses Flux installed without a bootstrap root Kustomization", () => {
        const c = seed((objs) => objs.splice(objs.indexOf(obj(objs, "Kustomization", NS)), 1));
        const [refusal] = planTakeover(c, want).refusals;
        expect(refusal).to.match(
            /^no Flux bootstrap found: no Kustomization in namespace flux-system has the GitRepository flux-system/,
        );
    });

    for (const version of ["v2.6.3", "v2.10.0", undefined]) {
        it(`refuses Flux ${version ?? "without a version label"}`, () => {
            const c = seed((objs) => {
                const crd = obj(objs, "CustomResourceDefinition", SEED_CRDS[0]);
                if (version === undefined) delete crd.metadata.labels!["app.kubernetes.io/version"];
                else crd.metadata.labels!["app.kubernetes.io/version"] = version;
            });
            const refusals = planTakeover(c, want).refusals;
            expect(refusals).to.have.length(1);
            expect(refusals[0]).to.equal(
                `Flux version ${version ?? "(unknown: the CRD has no app.kubernetes.io/version label)"} is not one this takeover handles: ` +
                    "expected v2.7.x to v2.9.x, as installed by `flux bootstrap`. Upgrade the cluster with `flux bootstrap` first.",
            );
        });
    }

    it("refuses when the source or a layer is not Ready, with Flux's message, all at once", () => {
        const c = seed((objs) => {
            obj(objs, "GitRepository", NS).status = {
                conditions: [
                    {
                        type: "Ready",
                        status: "False",
                        reason: "GitOperationFailed",
                        message: "auth failed",
                    },
                ],
            };
            obj(objs, "Kustomization", "databases").status = {
                conditions: [
                    {
                        type: "Ready",
                        status: "False",
                        reason: "HealthCheckFailed",
                        message: "timeout",
                    },
                ],
            };
        });
        expect(planTakeover(c, want).refusals).to.deep.equal([
            "GitRepository flux-system/flux-system is not Ready (GitOperationFailed: auth failed); fix the source first",
            "Kustomization flux-system/databases is not Ready (HealthCheckFailed: timeout); fix the layer first",
        ]);
    });

    it("refuses a layer field the config does not set, and lists changed fields", () => {
        const c = seed((objs) => {
            obj(objs, "Kustomization", "apps").spec.wait = true;
            obj(objs, "Kustomization", "apps").spec.interval = "5m";
        });
        const plan = planTakeover(c, want);
        expect(plan.refusals).to.deep.equal([
            "Kustomization flux-system/apps has spec.wait: true, which flux-gitops:layers.apps does not set; after the takeover " +
                "nothing would remove it: set it in the stack config or remove it from Git first",
        ]);
        expect(plan.changes).to.deep.include({
            object: "Kustomization flux-system/apps",
            field: "spec.interval",
            from: "5m",
            to: "10m0s",
        });
    });

    describe("a bootstrap Kustomization that is not a layer of the stack", () => {
        const withMonitoring = () =>
            seed((objs) => {
                const extra = structuredClone(obj(objs, "Kustomization", "apps"));
                extra.metadata.name = "monitoring";
                extra.spec.path = "./gitops/monitoring";
                extra.spec.dependsOn = [{ name: "infrastructure" }];
                objs.push(extra);
                obj(objs, "Kustomization", NS).status.inventory.entries.push({
                    id: `${NS}_monitoring_kustomize.toolkit.fluxcd.io_Kustomization`,
                    v: "v1",
                });
            });

        it("is refused, with the layer config that would make it one", () => {
            expect(planTakeover(withMonitoring(), want).refusals).to.deep.equal([
                "Kustomization flux-system/monitoring (from a folder under ./clusters/prod) is applied only by the root " +
                    "Kustomization flux-system/flux-system and is not a layer of this stack: after the takeover nothing would " +
                    "reconcile it (it would keep applying ./gitops/monitoring, but a change to it in Git would not apply and " +
                    "removing it from Git would not prune it). Make it a layer of the stack (flux-gitops:layers.monitoring: " +
                    "{path: ./gitops/monitoring, dependsOn: [infrastructure]}, with its other spec fields), or run again with " +
                    "--leave-unreconciled to leave it unreconciled",
            ]);
        });

        it("is accepted with --leave-unreconciled: it keeps applying its path, its definition is no longer reconciled", () => {
            const plan = planTakeover(withMonitoring(), want, { leaveUnreconciled: true });
            expect(plan.refusals).to.deep.equal([]);
            expect(formatPlan("prod", plan)).to.contain(
                "\n  Kustomization flux-system/monitoring (from a folder under ./clusters/prod): it keeps applying " +
                    "./gitops/monitoring, but its own definition is no longer reconciled\n",
            );
        });
    });

    it("refuses a Provider the bootstrap folder declared, as any object only the root applies", () => {
        const c = seed((objs) => {
            const provider = {
                apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
                kind: "Provider",
                metadata: { name: "slack", namespace: NS },
                spec: { type: "slack", secretRef: { name: "slack-url" } },
            } as KubeObject;
            objs.push(provider);
            obj(objs, "Kustomization", NS).status.inventory.entries.push({
                id: `${NS}_slack_notification.toolkit.fluxcd.io_Provider`,
                v: "v1beta3",
            });
        });
        const refusals = planTakeover(c, want).refusals;
        expect(refusals).to.have.length(1);
        // Not adopted (the stack does not declare it), and refused until a layer applies it or the
        // user accepts that nothing reconciles it.
        expect(refusals[0]).to.match(
            /^Provider flux-system\/slack \(from a folder under \.\/clusters\/prod\) is applied only by the root Kustomization flux-system\/flux-system, /,
        );
        expect(refusals[0]).to.contain("run again with --leave-unreconciled");
        expect(planTakeover(c, want, { leaveUnreconciled: true }).refusals).to.deep.equal([]);
    });

    it("creates the stack's notification objects, and refuses to take one that exists", async () => {
        const s = await stackWithSecrets("prod");
        const config = {
            ...s.config,
            // The credentials the seeded cluster holds.
            [`${P}:ageKey`]: ageKey,
            [`${P}:gitSshIdentity`]: sshIdentity,
            [`${P}:notifications`]: {
                providers: { hook: { type: "generic", address: "http://e.example/x" } },
            },
            [`${P}:receiver`]: { type: "generic" },
            [`${P}:receiverToken`]: "webhook-token-value",
        };
        const parsed = await parseStackConfig(
            rawConfig(config, [...s.secretKeys, `${P}:receiverToken`]),
        );
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        const day2 = desiredState(parsed.config, install);
        expect(day2.notifications.map(describeRef)).to.deep.equal([
            "Provider flux-system/hook",
            "Alert flux-system/hook",
            "Secret flux-system/webhook-token",
            "Receiver flux-system/flux-system",
        ]);
        const fresh = planTakeover(seed(), day2);
        expect(fresh.refusals).to.deep.equal([]);
        expect(fresh.created).to.deep.equal(day2.notifications.map(describeRef));
        const c = seed((objs) =>
            objs.push({
                apiVersion: "notification.toolkit.fluxcd.io/v1",
                kind: "Receiver",
                metadata: { name: "flux-system", namespace: NS },
                spec: { type: "github" },
            } as KubeObject),
        );
        expect(planTakeover(c, day2).refusals).to.deep.equal([
            "Receiver flux-system/flux-system exists, and the stack declares it (flux-gitops:notifications or " +
                "flux-gitops:receiver); the takeover does not adopt notification objects: unset those keys (or " +
                "rename the object) for the takeover, and set them after its `pulumi up`",
        ]);
    });

    it("refuses Secrets that differ from the config without showing their values", () => {
        const c = seed((objs) => {
            obj(objs, "Secret", "sops-age").data["age.agekey"] =
                Buffer.from("AGE-SECRET-KEY-1OTHER").toString("base64");
            obj(objs, "Secret", NS).type = "kubernetes.io/ssh-auth";
        });
        const plan = planTakeover(c, want);
        expect(plan.refusals).to.deep.equal([
            "Secret flux-system/sops-age: data key age.agekey differs from flux-gitops:ageKey; set flux-gitops:ageKey to the " +
                "value in the cluster (or rotate after the takeover), so the takeover changes no credential",
            "Secret flux-system/flux-system has type kubernetes.io/ssh-auth; the stack declares type Opaque, and a Secret's " +
                "type cannot change in place: re-create it with type Opaque (kubectl create secret generic) before the takeover",
        ]);
        const printed = formatPlan("prod", plan);
        expect(printed).not.to.contain("AGE-SECRET-KEY");
        expect(printed).not.to.contain(sshIdentity.split("\n")[1]);
    });

    it("takes a credential that differs only by the final newline pulumi config set drops as the same", async () => {
        const c = seed((objs) => {
            const s = obj(objs, "Secret", "sops-age");
            s.data["age.agekey"] = Buffer.from(`${ageKey}\n`).toString("base64");
        });
        const plan = planTakeover(c, want);
        expect(plan.refusals).to.deep.equal([]);
        expect(plan.secretWrites.find((w) => w.dataKey === "age.agekey")?.what).to.equal(
            "the value of flux-gitops:ageKey, without the final newline the cluster's has",
        );
        // Written as the stack has it before the import, so the import finds no data change.
        await neutralise(c, plan, { timeoutMs: 1000, log: () => undefined });
        const secret = find(c, "Secret", "sops-age")!;
        expect(Buffer.from(secret.data["age.agekey"], "base64").toString("utf8")).to.equal(ageKey);
        expect(find(c, "Secret", NS)!.data).not.to.have.property("identity.pub");
        expect(formatPlan("prod", plan)).not.to.contain("AGE-SECRET-KEY");
    });

    it("refuses, before any change, an install object the stack's install would replace", () => {
        const deployment = install.find((o) => o.kind === "Deployment")!;
        const c = seed((objs) => {
            const live = objs.find(
                (o) => o.kind === "Deployment" && o.metadata.name === deployment.metadata.name,
            )!;
            live.spec.selector = { matchLabels: { app: "renamed" } };
        });
        const plan = planTakeover(c, want);
        expect(plan.refusals).to.have.length(1);
        expect(plan.refusals[0]).to.equal(
            `Deployment flux-system/${deployment.metadata.name}: spec.selector is {"matchLabels":{"app":"renamed"}} in the cluster and ` +
                `${JSON.stringify(deployment.spec.selector)} in the stack's install (flux-gitops:flux); @pulumi/kubernetes would replace it, ` +
                "which the engine refuses for an adopted object: take over with the bootstrap's own manifest " +
                "(flux.manifest, as docs/takeover.md step 1 says) and change the install afterwards",
        );
    });

    it("creates what the stack declares and the cluster lacks, and adopts the rest", () => {
        const deployment = install.find((o) => o.kind === "Deployment")!;
        const c = seed((objs) =>
            objs.splice(
                objs.findIndex((o) => o === obj(objs, "Deployment", deployment.metadata.name)),
                1,
            ),
        );
        const plan = planTakeover(c, want);
        expect(plan.refusals).to.deep.equal([]);
        const missing = describeRef(refOf(deployment));
        expect(plan.created).to.deep.equal([missing]);
        expect(plan.adopted.map(describeRef)).not.to.include(missing);
        expect(plan.adopted).to.have.length(want.objects.length - 1);
    });

    describe("neutralising the root", () => {
        let c: FakeCluster;
        let uids: Map<string, string>;

        before(async () => {
            c = seed();
            uids = new Map(
                [...c.objects.values()].map((o) => [
                    `${o.kind}/${o.metadata.name}`,
                    o.metadata.uid!,
                ]),
            );
            await neutralise(c, planTakeover(c, want), { timeoutMs: 1000, log: () => undefined });
        });

        it("deletes the root and nothing else: every other object keeps its UID", () => {
            expect(
                c.writes.filter((w) => w.startsWith("delete") || w.startsWith("pruned")),
            ).to.deep.equal(["delete Kustomization/flux-system"]);
            const left = new Map(
                [...c.objects.values()].map((o) => [
                    `${o.kind}/${o.metadata.name}`,
                    o.metadata.uid!,
                ]),
            );
            uids.delete("Kustomization/flux-system");
            expect(left).to.deep.equal(uids);
        });

        it("suspends it with deletionPolicy Orphan before anything else", () => {
            expect(c.writes[0]).to.equal("patch Kustomization/flux-system");
        });

        it("leaves no Flux owner label on any object", () => {
            for (const o of c.objects.values()) {
                expect(
                    Object.keys(o.metadata.labels ?? {}),
                    `${o.kind}/${o.metadata.name}`,
                ).not.to.include.members([
                    "kustomize.toolkit.fluxcd.io/name",
                    "kustomize.toolkit.fluxcd.io/namespace",
                ]);
            }
        });

        it("passes kustomize-controller's and kubectl's field ownership to the takeover's manager, keeps status entries", () => {
            for (const o of c.objects.values()) {
                const previous = (o.metadata.managedFields ?? []).filter(
                    (e) =>
                        (e.manager === "kustomize-controller" && e.operation === "Apply") ||
                        String(e.manager).startsWith("kubectl"),
                );
                expect(previous, `${o.kind}/${o.metadata.name}`).to.deep.equal([]);
            }
            const takeover = (apiVersion: string, fieldsV1: unknown) => ({
                manager: TAKEOVER_FIELD_MANAGER,
                operation: "Apply",
                apiVersion,
                fieldsType: "FieldsV1",
                fieldsV1,
            });
            expect(find(c, "Kustomization", "apps")!.metadata.managedFields).to.deep.equal([
                {
                    manager: "kustomize-controller",
                    operation: "Update",
                    subresource: "status",
                    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
                    fieldsType: "FieldsV1",
                    fieldsV1: { "f:status": {} },
                },
                takeover("kustomize.toolkit.fluxcd.io/v1", {
                    "f:metadata": { "f:labels": { "f:kustomize.toolkit.fluxcd.io/name": {} } },
                    "f:spec": { "f:interval": {} },
                }),
            ]);
            // Created by hand with kubectl create secret: what kubectl wrote is the takeover's now.
            expect(find(c, "Secret", "flux-system")!.metadata.managedFields).to.deep.equal([
                takeover("v1", {
                    "f:data": {
                        ".": {},
                        "f:identity": {},
                        "f:identity.pub": {},
                        "f:known_hosts": {},
                    },
                    "f:type": {},
                }),
            ]);
        });
    });

    describe("the field ownership the takeover hands over", () => {
        const entry = (
            manager: string,
            operation: string,
            apiVersion: string,
            fieldsV1: unknown,
            subresource?: string,
        ) => ({
            manager,
            operation,
            apiVersion,
            fieldsType: "FieldsV1",
            fieldsV1,
            ...(subresource === undefined ? {} : { subresource }),
        });

        it("unites the previous owners' fields of the object's API version in one Apply entry", () => {
            const status = entry("helm-controller", "Update", "v1", { "f:status": {} }, "status");
            const result = transferredEntries(
                [
                    entry("kustomize-controller", "Apply", "v1", { "f:spec": { "f:a": {} } }),
                    entry("kubectl-edit", "Update", "v1", {
                        "f:spec": { "f:b": {} },
                        "f:data": {},
                    }),
                    entry("before-first-apply", "Update", "v1", {
                        "f:spec": { "f:a": {}, "f:c": {} },
                    }),
                    // Another API version: the server keeps one entry per manager, so it is left out.
                    entry("kustomize-controller", "Apply", "v1beta2", {
                        "f:spec": { "f:old": {} },
                    }),
                    status,
                    // Not previous owners: a controller's own updates, Pulumi's applies.
                    entry("kustomize-controller", "Update", "v1", {
                        "f:metadata": { "f:finalizers": {} },
                    }),
                    entry("pulumi-kubernetes-abc", "Apply", "v1", { "f:spec": { "f:d": {} } }),
                ],
                "v1",
            );
            expect(result).to.deep.equal([
                status,
                entry("kustomize-controller", "Update", "v1", {
                    "f:metadata": { "f:finalizers": {} },
                }),
                entry("pulumi-kubernetes-abc", "Apply", "v1", { "f:spec": { "f:d": {} } }),
                entry(TAKEOVER_FIELD_MANAGER, "Apply", "v1", {
                    "f:spec": { "f:a": {}, "f:b": {}, "f:c": {} },
                    "f:data": {},
                }),
            ]);
        });

        it("takes over once: a second run (--resume) changes nothing", () => {
            const once = transferredEntries(
                [entry("kubectl-create", "Update", "v1", { "f:data": { "f:k": {} } })],
                "v1",
            )!;
            expect(transferredEntries(once, "v1")).to.equal(undefined);
            // A previous owner that wrote again meanwhile joins the takeover's entry.
            const again = transferredEntries(
                [...once, entry("kubectl-patch", "Update", "v1", { "f:data": { "f:j": {} } })],
                "v1",
            );
            expect(again).to.deep.equal([
                entry(TAKEOVER_FIELD_MANAGER, "Apply", "v1", {
                    "f:data": { "f:k": {}, "f:j": {} },
                }),
            ]);
        });
    });

    it("after a run that stopped once the root was gone, --resume finishes the release", async () => {
        const c = seed();
        // The run stopped before step 4: kustomize-controller still owns the fields.
        const root = planTakeover(c, want).root!.ref;
        c.mergePatch(root, { spec: { suspend: true, deletionPolicy: "Orphan" } });
        c.delete(root);
        expect(planTakeover(c, want).refusals[0]).to.match(/run it again with --resume\)$/);
        const plan = planTakeover(c, want, { resume: true });
        expect(plan.refusals).to.deep.equal([]);
        expect(plan.adopted.map(describeRef)).to.include.members([
            "Namespace flux-system",
            "Kustomization flux-system/databases",
            `CustomResourceDefinition ${SEED_CRDS[0]}`,
        ]);
        await neutralise(c, plan, { timeoutMs: 1000, log: () => undefined });
        expect(c.writes.filter((w) => !w.startsWith("patch"))).to.deep.equal([
            "delete Kustomization/flux-system",
        ]);
        for (const o of c.objects.values()) {
            expect(o.metadata.labels?.["kustomize.toolkit.fluxcd.io/name"]).to.equal(undefined);
            expect(
                o.metadata.managedFields?.filter(
                    (e) => e.manager === "kustomize-controller" && e.operation === "Apply",
                ),
            ).to.deep.equal([]);
        }
    });

    it("flux-gitops:takeover holds the list the takeover writes; true (an earlier version's) points at --resume", async () => {
        const s = await stackWithSecrets("prod");
        const parse = (v: unknown) =>
            parseStackConfig(rawConfig({ ...s.config, [`${P}:takeover`]: v }, s.secretKeys));
        const listed = [
            "Secret flux-system/sops-age",
            "CustomResourceDefinition buckets.source.toolkit.fluxcd.io",
        ];
        const on = await parse(listed);
        expect(on.ok && on.config.takeover).to.deep.equal(listed);
        const unset = await parseStackConfig(rawConfig(s.config, s.secretKeys));
        expect(unset.ok && unset.config.takeover).to.deep.equal([]);
        const old = await parse("true");
        expect(old.ok ? [] : old.problems.map((p) => p.expected)).to.deep.equal([
            "the list of objects to adopt that `npm run takeover -- --stack <name> --yes` writes, each " +
                "`Kind namespace/name` (or `Kind name` for a cluster-scoped object): run " +
                "`npm run takeover -- --stack <name> --yes --resume` to write it",
        ]);
        const bad = await parse([
            "Secret flux-system/sops-age",
            "sops-age",
            "Secret flux-system/sops-age",
            3,
        ]);
        expect(bad.ok ? [] : bad.problems).to.deep.equal([
            {
                key: "flux-gitops:takeover[1]",
                value: '"sops-age"',
                expected: "`Kind namespace/name` or `Kind name`",
            },
            {
                key: "flux-gitops:takeover[2]",
                value: '"Secret flux-system/sops-age"',
                expected: "each object once",
            },
            {
                key: "flux-gitops:takeover[3]",
                value: "3",
                expected: "`Kind namespace/name` or `Kind name`",
            },
        ]);
    });

    it("without neutralising first, deleting the root prunes the cluster (what README used to advise)", () => {
        const c = seed();
        c.delete({
            group: "kustomize.toolkit.fluxcd.io",
            version: "v1",
            kind: "Kustomization",
            namespace: NS,
            name: NS,
        });
        // Everything the root applied: the install, the GitRepository and the three layers.
        expect(c.writes.filter((w) => w.startsWith("pruned"))).to.have.length(
            install.length + 1 + 3,
        );
    });
});

describe("takeover's command line", () => {
    const usageError = (argv: string[]) => {
        try {
            takeoverArgs(argv);
        } catch (e) {
            expect(e).to.be.instanceOf(UsageError);
            return (e as Error).message;
        }
        throw new Error(`takeoverArgs(${JSON.stringify(argv)}) accepted it`);
    };

    it("reads the stack alone as a plan-only run in the project root, waiting 120 s", () => {
        expect(takeoverArgs(["--stack", "prod"])).to.deep.equal({
            stack: "prod",
            yes: false,
            resume: false,
            leaveUnreconciled: false,
            cwd: process.cwd(),
            context: undefined,
            timeoutMs: 120_000,
        });
    });

    it("reads every flag; --cwd is relative to the working directory npm runs scripts in", () => {
        const argv = [
            "--stack=dev",
            "--yes",
            "--resume",
            "--leave-unreconciled",
            "--cwd",
            "sub/project",
        ];
        expect(
            takeoverArgs([...argv, "--context", "kind-x", "--timeout-seconds", "2.5"]),
        ).to.deep.equal({
            stack: "dev",
            yes: true,
            resume: true,
            leaveUnreconciled: true,
            cwd: path.resolve(process.cwd(), "sub/project"),
            context: "kind-x",
            timeoutMs: 2500,
        });
    });

    it("refuses a missing --stack, an unknown flag, a flag without its value and a positional", () => {
        expect(usageError([])).to.equal("--stack <name> is required");
        expect(usageError(["--stack", "prod", "--bogus"])).to.equal("Unknown option '--bogus'");
        expect(usageError(["--stack"])).to.equal("Option '--stack <value>' argument missing");
        expect(usageError(["prod"])).to.match(/^Unexpected argument 'prod'/);
    });

    for (const value of ["abc", "", "-5", "Infinity", "1e3"]) {
        it(`refuses --timeout-seconds=${JSON.stringify(value)}, naming the value`, () => {
            expect(usageError(["--stack", "prod", `--timeout-seconds=${value}`])).to.equal(
                `--timeout-seconds ${JSON.stringify(value)}: expected a number of seconds, such as 300`,
            );
        });
    }
});
