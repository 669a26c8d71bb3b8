/**
 * Logical names are part of the contract with every existing stack: the engine matches a
 * declared resource to its state by URN (type, logical name, parent chain). A changed URN is a
 * create of the new resource and a delete of the old one, and deleting a live Kustomization
 * makes Flux prune what it applied. A rename must therefore come with `aliases`, and this
 * test must be updated together with them.
 */
import { expect } from "chai";
import { readStackFile } from "../helpers/stack-file";
import { stackWithSecrets, P } from "../helpers/fixtures";
import { syntheticInstallObjects } from "../helpers/flux-manifest";
import { runProgram } from "../helpers/mocks";

const PROJECT = "flux-gitops";

/** The URN the engine gives `name` of `type` under the component chain `parents` (outermost first). */
function urn(stack: string, parents: string[], type: string, name: string): string {
    return `urn:pulumi:${stack}::${PROJECT}::${[...parents, type].join("$")}::${name}`;
}

// The naming contract, from docs/architecture.md's code map: one component per concern, children named
// after their component (`${name}`, `${name}-suffix`), layers `layers-<layer name>`.
const FLUX_INSTALL = "flux-gitops:index:FluxInstall";
const SOPS_AGE = "flux-gitops:index:SopsAgeSecret";
const GIT_SOURCE = "flux-gitops:index:GitSource";
const FLUX_LAYERS = "flux-gitops:index:FluxLayers";
// The install's objects are the component's children, each named `flux:<namespace>/<name>` (or
// `flux:<name>`) and typed after its apiVersion and kind, as the ConfigGroup of earlier versions
// named and typed them, and under the ConfigFile before it.
const CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup";
const CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile";
const SECRET = "kubernetes:core/v1:Secret";
const GIT_REPOSITORY = "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository";
const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";

/** The release's objects the stacks install (Flux's default controllers), as type and name. */
function installed(): { type: string; name: string }[] {
    return syntheticInstallObjects()
        .filter(
            (o) =>
                o.metadata.labels?.["app.kubernetes.io/component"] !== "image-reflector-controller",
        )
        .map((o) => ({
            // The core group's kinds are registered as core/v1.
            type: `kubernetes:${o.apiVersion === "v1" ? "core/v1" : o.apiVersion}:${o.kind}`,
            name: `flux:${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`,
        }));
}

function expectedUrns(stack: string, layerNames: string[]): { urn: string; parent: string }[] {
    const component = (type: string, name: string) => ({
        urn: urn(stack, [], type, name),
        parent: "",
    });
    const child = (parentType: string, parentName: string, type: string, name: string) => ({
        urn: urn(stack, [parentType], type, name),
        parent: urn(stack, [], parentType, parentName),
    });
    return [
        component(FLUX_INSTALL, "flux"),
        ...installed().map((o) => child(FLUX_INSTALL, "flux", o.type, o.name)),
        component(SOPS_AGE, "sops-age"),
        child(SOPS_AGE, "sops-age", SECRET, "sops-age"),
        component(GIT_SOURCE, "git"),
        child(GIT_SOURCE, "git", SECRET, "git-auth"),
        child(GIT_SOURCE, "git", GIT_REPOSITORY, "git"),
        component(FLUX_LAYERS, "layers"),
        ...layerNames.map((l) => child(FLUX_LAYERS, "layers", KUSTOMIZATION, `layers-${l}`)),
    ];
}

for (const stack of ["prod", "dev"]) {
    describe(`resource URNs of the ${stack} stack`, () => {
        it("are exactly the ones the naming contract gives, parent chains included", async () => {
            const s = await stackWithSecrets(stack);
            const run = await runProgram(s.config, s.secretKeys, { stack });
            // The layer names come from the stack file itself: the seed's three, by name.
            const layers = Object.keys(readStackFile(stack)[`${P}:layers`] as object);
            expect(layers).to.have.members(["infrastructure", "databases", "apps"]);
            const seen = run.resources.map((r) => ({ urn: r.urn, parent: r.parent }));
            expect(seen).to.have.deep.members(expectedUrns(stack, layers));
            expect(seen).to.have.length(expectedUrns(stack, layers).length);
        });

        it("alias each install object to its resource under the earlier ConfigGroup and ConfigFile", async () => {
            const s = await stackWithSecrets(stack);
            const run = await runProgram(s.config, s.secretKeys, { stack });
            const aliases = Object.fromEntries(run.resources.map((r) => [r.urn, r.aliases]));
            const install = installed();
            expect(install.length).to.be.greaterThan(10);
            for (const o of install) {
                // (A @pulumi/kubernetes class adds its kind's earlier types, e.g. v1beta1 CRDs.)
                expect(
                    aliases[urn(stack, [FLUX_INSTALL], o.type, o.name)],
                    o.name,
                ).to.include.members([
                    urn(stack, [FLUX_INSTALL, CONFIG_GROUP], o.type, o.name),
                    urn(stack, [FLUX_INSTALL, CONFIG_FILE], o.type, o.name),
                ]);
            }
            // Spelled out once: the CRD whose loss would delete every Kustomization.
            const crd = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";
            expect(
                aliases[
                    `urn:pulumi:${stack}::flux-gitops::flux-gitops:index:FluxInstall$${crd}::flux:kustomizations.kustomize.toolkit.fluxcd.io`
                ],
            ).to.include(
                `urn:pulumi:${stack}::flux-gitops::flux-gitops:index:FluxInstall$kubernetes:yaml/v2:ConfigGroup$${crd}::flux:kustomizations.kustomize.toolkit.fluxcd.io`,
            );
            // Nothing else moved: no other resource has an alias.
            const others = run.resources.filter((r) => !install.some((o) => r.name === o.name));
            for (const r of others) expect(r.aliases, r.urn).to.deep.equal([]);
        });
    });
}
