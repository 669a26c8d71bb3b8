/**
 * Issue 20: after `pulumi up` the state must hold each install object as this `up` applied it,
 * not the copy a shared informer still had from before. Objects whose await watches them wait
 * for this apply's token (flux/install/awaited.ts); the takeover's import changes the token and
 * keeps the conditions. The e2e (tests/e2e/flux-install.e2e.ts) checks the result on a real API
 * server; here, the exact annotations.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { createHash } from "crypto";
import fc from "fast-check";
import { adoptListed } from "../../../components/adoption";
import { KubeObject, WATCHED_KINDS, withAppliedToken } from "../../../flux/install";
import { retoken } from "../../../flux/readiness";
import { stackWithSecrets, withValue } from "../../helpers/fixtures";
import { installObjects } from "../../helpers/install";
import { runProgram } from "../../helpers/mocks";

const WAIT_FOR = "pulumi.com/waitFor";
const APPLIED = "flux-gitops/applied";
const TOKEN_CONDITION = (token: string) =>
    `jsonpath={.metadata.annotations['flux-gitops/applied']}=${token}`;
const ROLLOUT = [
    "condition=Available",
    "jsonpath={.status.conditions[?(@.type=='Progressing')].reason}=NewReplicaSetAvailable",
];

/** The token as specified: the first 16 hex digits of the SHA-256 of the object and conditions. */
const specifiedToken = (object: unknown, conditions: string[]) =>
    createHash("sha256").update(JSON.stringify({ object, conditions })).digest("hex").slice(0, 16);

const labels = { "app.kubernetes.io/part-of": "flux", "app.kubernetes.io/version": "v2.9.5" };
const service = (): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "source-controller", namespace: "flux-system", labels: { ...labels } },
    spec: {
        type: "ClusterIP",
        selector: { app: "source-controller" },
        ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }],
    },
});
const deployment = (annotations?: Record<string, string>): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
        name: "helm-controller",
        namespace: "flux-system",
        labels: { ...labels },
        ...(annotations && { annotations }),
    },
    spec: { replicas: 1, selector: { matchLabels: { app: "helm-controller" } } },
});

describe("install objects awaited by a watch wait for this apply's token", () => {
    it("are the Deployments (the provider's rollout test) and the Services (the token alone)", () => {
        expect(WATCHED_KINDS).to.deep.equal({ Deployment: ROLLOUT, Service: [] });
    });

    it("a Service: waitFor is the token alone, the token a digest of the object", () => {
        const s = service();
        const token = specifiedToken(s, []);
        expect(token).to.match(/^[0-9a-f]{16}$/);
        expect(withAppliedToken(s)).to.deep.equal({
            ...s,
            metadata: {
                ...s.metadata,
                annotations: {
                    [WAIT_FOR]: JSON.stringify([TOKEN_CONDITION(token)]),
                    [APPLIED]: token,
                },
            },
        });
    });

    it("a Deployment: the rollout as the provider tests it, then the token; its annotations kept", () => {
        const d = deployment({ "example.com/keep": "yes" });
        const token = specifiedToken(d, ROLLOUT);
        expect(withAppliedToken(d).metadata.annotations).to.deep.equal({
            "example.com/keep": "yes",
            [WAIT_FOR]: JSON.stringify([...ROLLOUT, TOKEN_CONDITION(token)]),
            [APPLIED]: token,
        });
        expect(withAppliedToken(d).spec).to.deep.equal(d.spec);
    });

    it("an object given its own waitFor (flux.patches) keeps its conditions and adds the token", () => {
        const single = { ...service(), kind: "ConfigMap" };
        single.metadata = { ...single.metadata, annotations: { [WAIT_FOR]: "jsonpath={.x}=1" } };
        const t1 = specifiedToken(single, ["jsonpath={.x}=1"]);
        expect(withAppliedToken(single).metadata.annotations![WAIT_FOR]).to.equal(
            JSON.stringify(["jsonpath={.x}=1", TOKEN_CONDITION(t1)]),
        );
        const list = deployment({ [WAIT_FOR]: '["condition=Available"]' });
        const t2 = specifiedToken(list, ["condition=Available"]);
        expect(withAppliedToken(list).metadata.annotations![WAIT_FOR]).to.equal(
            JSON.stringify(["condition=Available", TOKEN_CONDITION(t2)]),
        );
    });

    it("leaves alone what the provider records from the API server's answer, and what skips the await", () => {
        const untouched: KubeObject[] = [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system", labels } },
            {
                apiVersion: "apiextensions.k8s.io/v1",
                kind: "CustomResourceDefinition",
                metadata: { name: "kustomizations.kustomize.toolkit.fluxcd.io", labels },
            },
            {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRole",
                metadata: { name: "crd-controller-flux-system" },
            },
            { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "helm-controller" } },
            { apiVersion: "v1", kind: "Secret", metadata: { name: "flux-registry" } },
            { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "critical-pods" } },
            {
                apiVersion: "networking.k8s.io/v1",
                kind: "NetworkPolicy",
                metadata: { name: "allow-egress" },
            },
            // An inherited property name is not a kind of the table.
            { apiVersion: "v1", kind: "constructor", metadata: { name: "x" } },
            deployment({ "pulumi.com/skipAwait": "true" }),
        ];
        for (const o of untouched) expect(withAppliedToken(o), o.kind).to.equal(o);
    });

    it("changes the token with anything the object declares, never the object it is given", () => {
        fc.assert(
            fc.property(fc.string(), fc.string(), (a, b) => {
                const [x, y] = [service(), service()];
                x.metadata.labels!["e2e.test/round"] = a;
                y.metadata.labels!["e2e.test/round"] = b;
                const before = JSON.stringify(x);
                const [tx, ty] = [withAppliedToken(x), withAppliedToken(y)];
                expect(JSON.stringify(x)).to.equal(before);
                const same =
                    tx.metadata.annotations![APPLIED] === ty.metadata.annotations![APPLIED];
                expect(same).to.equal(a === b);
            }),
        );
    });
});

describe("the takeover's new token keeps the object's own conditions", () => {
    it("retoken replaces only the token condition (a Service waits for nothing else after it)", () => {
        const s = withAppliedToken(service()).metadata.annotations!;
        const after = retoken(s, "flux-gitops-takeover") as Record<string, string>;
        const token = createHash("sha256")
            .update(JSON.stringify({ before: s[APPLIED], extra: "flux-gitops-takeover" }))
            .digest("hex")
            .slice(0, 16);
        expect(after).to.deep.equal({
            [WAIT_FOR]: JSON.stringify([TOKEN_CONDITION(token)]),
            [APPLIED]: token,
        });
    });

    it("an adopted Deployment still waits for its rollout, on the object with the new token", () => {
        const d = withAppliedToken(deployment());
        const r = adoptListed(["Deployment flux-system/helm-controller"])({
            type: "kubernetes:apps/v1:Deployment",
            name: "flux:flux-system/helm-controller",
            custom: true,
            props: d as unknown as pulumi.Inputs,
            opts: {},
        }) as pulumi.ResourceTransformResult;
        const a = (r.props.metadata as KubeObject["metadata"]).annotations!;
        expect(a[APPLIED]).to.match(/^[0-9a-f]{16}$/);
        expect(a[APPLIED]).to.not.equal(d.metadata.annotations![APPLIED]);
        expect(JSON.parse(a[WAIT_FOR])).to.deep.equal([...ROLLOUT, TOKEN_CONDITION(a[APPLIED])]);
    });
});

describe("the prod stack's install", () => {
    let base: { config: Record<string, unknown>; secretKeys: string[] };
    const objectsOf = async (config: Record<string, unknown>) => {
        const run = await runProgram(config, base.secretKeys);
        // By name, so two runs compare object by object.
        return (installObjects(run) as KubeObject[]).sort((a, b) =>
            a.metadata.name.localeCompare(b.metadata.name),
        );
    };
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    it("gives each Deployment the rollout and token annotations, and no other object any", async () => {
        const objs = await objectsOf(base.config);
        expect(objs.filter((o) => o.kind === "Deployment")).to.have.length(4);
        expect(objs.length).to.be.greaterThan(10);
        for (const o of objs) {
            const a = o.metadata.annotations ?? {};
            if (o.kind !== "Deployment") {
                expect(a, `${o.kind} ${o.metadata.name}`).to.deep.equal({});
                continue;
            }
            expect(Object.keys(a).sort(), o.metadata.name).to.deep.equal([APPLIED, WAIT_FOR]);
            expect(JSON.parse(a[WAIT_FOR])).to.deep.equal([
                ...ROLLOUT,
                TOKEN_CONDITION(a[APPLIED]),
            ]);
        }
    });

    it("a label patched onto every object gives every Deployment a new token", async () => {
        const tokens = async (value: string) => {
            const config = withValue(
                base.config,
                "flux",
                ["patches"],
                [
                    {
                        target: { name: ".+" },
                        patch: `metadata:\n  labels:\n    example.com/round: "${value}"\n`,
                    },
                ],
            );
            return (await objectsOf(config))
                .filter((o) => o.kind === "Deployment")
                .map((o) => o.metadata.annotations![APPLIED]);
        };
        const [one, two] = [await tokens("1"), await tokens("2")];
        expect(one).to.have.length(4);
        one.forEach((t, i) => expect(t, `Deployment ${i}`).to.not.equal(two[i]));
    });
});

describe("Flux objects that do not wait", () => {
    it("declare no annotations rather than an empty map (the API server drops it: a diff on every preview)", async () => {
        const { config, secretKeys } = await stackWithSecrets("prod");
        const run = await runProgram(
            withValue(config, "readiness", ["enabled"], false),
            secretKeys,
        );
        const flux = run.resources.filter((r) => /toolkit\.fluxcd\.io/.test(r.type));
        expect(flux.map((r) => r.inputs.metadata.name).sort()).to.deep.equal([
            "apps",
            "databases",
            "flux-system",
            "infrastructure",
        ]);
        for (const r of flux) {
            expect(r.inputs.metadata, r.inputs.metadata.name).to.not.have.property("annotations");
        }
    });
});
