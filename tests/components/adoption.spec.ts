import { buildInstall } from "../../prepare/install";
/**
 * The takeover's adoption: `flux-gitops:takeover` lists objects, and a stack transform gives
 * each of them the `import` option. The transform runs in the engine (tests/e2e/takeover
 * proves it there); here it is called as the engine calls it, and the list the takeover
 * command writes is checked against what the program really declares.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { adoptListed, objectOf } from "../../components/adoption";
import { objectKey, importId, TAKEOVER_FIELD_MANAGER } from "../../flux/keys";
import { APPLIED_ANNOTATION, readinessAnnotations } from "../../flux/readiness";
import { parseStackConfig } from "../../stacks";
import { desiredState } from "../../cli/takeover/desired";
import { describeRef } from "../../cli/takeover/kube";
import { P, stackWithSecrets, withValue } from "../helpers/fixtures";
import { githubAppPrivateKey } from "../helpers/keys";
import { rawConfig } from "../helpers/raw";
import { installResources } from "../helpers/install";
import { recordedTransforms, runFailingProgram, runProgram } from "../helpers/mocks";

const secret = (v: unknown) => ({
    [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
    value: v,
});

function registration(
    type: string,
    props: Record<string, unknown>,
    custom = true,
): pulumi.ResourceTransformArgs {
    return { type, name: "n", custom, props, opts: {} };
}

describe("adoption: the import option for the objects the takeover lists", () => {
    const transform = adoptListed([
        "Secret flux-system/sops-age",
        "CustomResourceDefinition kustomizations.kustomize.toolkit.fluxcd.io",
        "Kustomization flux-system/databases",
    ]);
    const importOf = (args: pulumi.ResourceTransformArgs) => {
        const r = transform(args);
        return r === undefined || r instanceof Promise
            ? undefined
            : (r.opts as pulumi.CustomResourceOptions).import;
    };

    it("imports a listed namespaced object by namespace/name and a cluster-scoped one by name", () => {
        expect(
            importOf(
                registration("kubernetes:core/v1:Secret", {
                    metadata: { name: "sops-age", namespace: "flux-system" },
                }),
            ),
        ).to.equal("flux-system/sops-age");
        expect(
            importOf(
                registration("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", {
                    metadata: { name: "kustomizations.kustomize.toolkit.fluxcd.io" },
                }),
            ),
        ).to.equal("kustomizations.kustomize.toolkit.fluxcd.io");
    });

    it("applies with the takeover's field manager, keeping the other inputs and options", () => {
        const args = registration("kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", {
            metadata: {
                name: "databases",
                namespace: "flux-system",
                annotations: { "pulumi.com/waitFor": "condition=Ready" },
            },
            spec: { path: "./x" },
        });
        args.opts = { protect: true, dependsOn: [] };
        const r = transform(args) as pulumi.ResourceTransformResult;
        expect(r.props).to.deep.equal({
            metadata: {
                name: "databases",
                namespace: "flux-system",
                annotations: {
                    "pulumi.com/waitFor": "condition=Ready",
                    "pulumi.com/patchFieldManager": TAKEOVER_FIELD_MANAGER,
                },
            },
            spec: { path: "./x" },
        });
        expect(r.opts).to.deep.include({ protect: true, import: "flux-system/databases" });
    });

    it("changes the readiness token, so the object before the takeover's update cannot end the wait", () => {
        const annotations = readinessAnnotations({ enabled: true, timeout: "10m" }, { a: 1 });
        const r = transform(
            registration("kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", {
                metadata: { name: "databases", namespace: "flux-system", annotations },
            }),
        ) as pulumi.ResourceTransformResult;
        const after = (r.props.metadata as any).annotations;
        expect(after[APPLIED_ANNOTATION]).to.match(/^[0-9a-f]{16}$/);
        expect(after[APPLIED_ANNOTATION]).not.to.equal(annotations[APPLIED_ANNOTATION]);
        expect(after["pulumi.com/waitFor"]).to.contain(after[APPLIED_ANNOTATION]);
    });

    it("sees through secret-wrapped inputs (a flux or git key stored as a secret), and keeps them secret", async () => {
        const args = registration("kubernetes:core/v1:Secret", {
            metadata: secret({ name: "sops-age", namespace: "flux-system" }),
            data: secret({ k: "dg==" }),
        });
        const r = transform(args) as pulumi.ResourceTransformResult;
        expect((r.opts as pulumi.CustomResourceOptions).import).to.equal("flux-system/sops-age");
        const metadata = r.props.metadata as pulumi.Output<Record<string, unknown>>;
        expect(pulumi.Output.isInstance(metadata)).to.equal(true);
        expect(await metadata.isSecret).to.equal(true);
        expect(r.props.data).to.equal(args.props.data);
    });

    it("leaves alone what is not listed, other namespaces, components and unknown names", () => {
        const none = [
            registration("kubernetes:core/v1:Secret", {
                metadata: { name: "other", namespace: "flux-system" },
            }),
            registration("kubernetes:core/v1:Secret", {
                metadata: { name: "sops-age", namespace: "default" },
            }),
            // Same name, other kind.
            registration("kubernetes:core/v1:ConfigMap", {
                metadata: { name: "sops-age", namespace: "flux-system" },
            }),
            registration("flux-gitops:index:FluxInstall", {}, false),
            registration("flux-gitops:index:SopsAgeSecret", {}, false),
            registration("kubernetes:core/v1:Secret", {
                metadata: { name: pulumi.unknown, namespace: "flux-system" },
            }),
        ];
        for (const args of none) expect(transform(args), args.type).to.equal(undefined);
    });

    it("writes keys and IDs the same way the takeover plan prints objects", () => {
        for (const o of [
            { kind: "Secret", namespace: "flux-system", name: "sops-age" },
            { kind: "Namespace", namespace: "", name: "flux-system" },
        ]) {
            expect(objectKey(o)).to.equal(describeRef({ group: "", version: "v1", ...o }));
        }
        expect(importId({ kind: "Namespace", namespace: "", name: "flux-system" })).to.equal(
            "flux-system",
        );
        expect(
            objectOf(
                registration("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
                    metadata: { name: "allow-egress", namespace: "flux-system" },
                }),
            ),
        ).to.deep.equal({ kind: "NetworkPolicy", namespace: "flux-system", name: "allow-egress" });
    });
});

describe("adoption: the takeover lists exactly the objects the program declares", () => {
    /** Every object the program registers, the install's included, as the takeover keys them. */
    async function declared(config: Record<string, unknown>, secretKeys: string[]) {
        const run = await runProgram(config, secretKeys);
        const keys: string[] = [];
        for (const r of run.resources) {
            const o = objectOf(registration(r.type, r.inputs));
            if (o !== undefined) keys.push(objectKey(o));
        }
        return keys;
    }

    /** The stack with an https:// repository instead of SSH, so without the SSH keys. */
    const https = (c: Record<string, unknown>, url: string) =>
        withValue(
            withValue(
                withValue(c, "gitSshIdentity", [], undefined),
                "gitKnownHosts",
                [],
                undefined,
            ),
            "git",
            ["url"],
            url,
        );
    const variants: [string, (c: Record<string, unknown>) => Record<string, unknown>, string[]][] =
        [
            ["as in the stack file", (c) => c, []],
            [
                "with an image pull Secret",
                (c) =>
                    withValue(
                        withValue(c, "flux", ["imagePullSecret"], "flux-pull"),
                        "fluxRegistryCredentials",
                        [],
                        "robot:s3cret-pw",
                    ),
                [`${P}:fluxRegistryCredentials`],
            ],
            [
                "with a public https repository (no Git Secret)",
                (c) => https(c, "https://git.corp.example/gitops.git"),
                [],
            ],
        ];
    const appKey = githubAppPrivateKey();
    variants.push(
        [
            "with a GitHub App and a CA bundle",
            (c) => {
                let g = withValue(
                    https(c, "https://github.com/acme/gitops.git"),
                    "git",
                    ["provider"],
                    "github",
                );
                g = withValue(g, "gitGithubAppId", [], "123");
                g = withValue(g, "gitGithubAppInstallationId", [], "456");
                g = withValue(g, "gitGithubAppPrivateKey", [], appKey);
                return withValue(
                    g,
                    "gitCaBundle",
                    [],
                    "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n",
                );
            },
            [`${P}:gitGithubAppPrivateKey`],
        ],
        [
            "with basic auth",
            (c) => {
                const g = withValue(
                    https(c, "https://git.corp.example/gitops.git"),
                    "git",
                    ["auth"],
                    "basic",
                );
                return withValue(
                    withValue(g, "gitUsername", [], "flux"),
                    "gitPassword",
                    [],
                    "s3cret-pw",
                );
            },
            [`${P}:gitPassword`],
        ],
    );
    for (const stack of ["prod", "dev"]) {
        for (const [what, change, moreSecrets] of variants) {
            it(`${stack} stack, ${what}`, async () => {
                const s = await stackWithSecrets(stack);
                const config = change(s.config);
                const secretKeys = [...s.secretKeys, ...moreSecrets];
                const parsed = await parseStackConfig(rawConfig(config, secretKeys));
                if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
                const install = (await buildInstall(parsed.config.flux)).objects!;
                const listed = desiredState(parsed.config, install).objects.map(describeRef);
                const program = await declared(config, secretKeys);
                expect(program.length, "objects the program declares").to.be.greaterThan(10);
                expect(listed).to.have.members(program);
                expect(listed).to.have.length(program.length);
            });
        }
    }
});

describe("adoption: the program with flux-gitops:takeover set", () => {
    it("imports each listed install object: the install component carries the transform its objects get", async () => {
        const s = await stackWithSecrets("prod");
        const plain = await runProgram(s.config, s.secretKeys);
        const objects = installResources(plain);
        expect(objects.length).to.be.greaterThan(10);
        const keys = objects.map((r) =>
            objectKey({
                kind: r.inputs.kind,
                namespace: r.inputs.metadata.namespace ?? "",
                name: r.inputs.metadata.name,
            }),
        );
        const run = await runProgram(withValue(s.config, "takeover", [], keys), s.secretKeys);
        // The engine applies a component's transforms to every resource under it.
        const install = run.resources.find((r) => r.type === "flux-gitops:index:FluxInstall")!;
        expect(installResources(run).every((r) => r.parent === install.urn)).to.equal(true);
        expect(install.transforms).to.have.length(1);
        const adopt = recordedTransforms[install.transforms[0]];
        // Its objects carry none of their own: the engine gives them the component's.
        for (const r of installResources(run)) expect(r.transforms, r.name).to.deep.equal([]);
        for (const r of installResources(run)) {
            // Called as the engine calls it: the serialized inputs, secrets still wrapped.
            const result = (await adopt({
                type: r.type,
                name: r.name,
                custom: true,
                props: r.serialized,
                opts: {},
            })) as pulumi.ResourceTransformResult;
            const { namespace, name } = r.inputs.metadata;
            expect((result.opts as pulumi.CustomResourceOptions).import, r.name).to.equal(
                namespace ? `${namespace}/${name}` : name,
            );
        }
    });

    it("declares the same resources, and refuses the `true` earlier versions wrote, before declaring any", async () => {
        const s = await stackWithSecrets("prod");
        const plain = await runProgram(s.config, s.secretKeys);
        const adopting = await runProgram(
            withValue(s.config, "takeover", [], ["Secret flux-system/sops-age"]),
            s.secretKeys,
        );
        expect(adopting.resources.map((r) => r.urn)).to.deep.equal(
            plain.resources.map((r) => r.urn),
        );
        const old = await runFailingProgram(
            withValue(s.config, "takeover", [], "true"),
            s.secretKeys,
        );
        expect(old.resources).to.deep.equal([]);
        const message = String((old.error as Error).message);
        expect(message).to.contain("flux-gitops:takeover");
        expect(message).to.contain("--resume");
    });
});
