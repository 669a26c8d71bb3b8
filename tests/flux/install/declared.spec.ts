import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { declarationFindings, KubeObject } from "../../../flux/install";
import { buildInstall } from "../../../prepare/install";
import { formatProblem } from "../../../stacks/errors";
import { syntheticInstallObjects } from "../../helpers/flux-manifest";

/*
 * A hand-made flux.manifest whose objects would not be applied as written, now that each object
 * is a resource of its own class: refused before anything is declared, with the object named.
 */

const obj = (o: Record<string, unknown>) => o as unknown as KubeObject;
const service = (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    obj({ apiVersion: "v1", kind: "Service", metadata, spec: { ports: [] }, ...extra });
const widgetCrd = (scope: string) =>
    obj({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "widgets.example.com" },
        spec: {
            group: "example.com",
            scope,
            names: { kind: "Widget", plural: "widgets" },
            versions: [{ name: "v1" }, { name: "v2" }],
        },
    });
const widget = obj({ apiVersion: "example.com/v2", kind: "Widget", metadata: { name: "w" } });

describe("install objects that would not apply as written", () => {
    it("finds nothing in a release-shaped install", () => {
        const objects = syntheticInstallObjects() as unknown as KubeObject[];
        expect(declarationFindings(objects)).to.deep.equal({ errors: [], warnings: [] });
    });

    it("refuses a namespaced object without a namespace, and not a cluster-scoped one", () => {
        const findings = declarationFindings([
            service({ name: "webhook" }),
            obj({ apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system" } }),
            obj({
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRole",
                metadata: { name: "r" },
                rules: [],
            }),
        ]);
        expect(findings.errors).to.deep.equal([
            "Service webhook has no metadata.namespace; give it the namespace it belongs in",
        ]);
    });

    it("judges a custom resource by its CRD in the same install, and leaves unknown kinds alone", () => {
        expect(declarationFindings([widgetCrd("Namespaced"), widget]).errors).to.deep.equal([
            "Widget w has no metadata.namespace; give it the namespace it belongs in",
        ]);
        expect(declarationFindings([widgetCrd("Cluster"), widget]).errors).to.deep.equal([]);
        expect(declarationFindings([widget]).errors).to.deep.equal([]);
    });

    it("refuses a top-level field the kind's resource does not carry; status is the server's", () => {
        const findings = declarationFindings([
            service({ name: "a", namespace: "flux-system" }, { status: { loadBalancer: {} } }),
            service({ name: "b", namespace: "flux-system" }, { data: { x: "1" }, extra: true }),
        ]);
        expect(findings.errors).to.deep.equal([
            "Service b has `data`, `extra`, which a Service does not have (it takes `spec`); it would not be applied",
        ]);
    });

    it("keeps every field of a kind it declares whole", () => {
        const crd = widgetCrd("Cluster");
        const custom = obj({ ...widget, whatever: { a: 1 } });
        expect(declarationFindings([crd, custom]).errors).to.deep.equal([]);
    });

    it("warns that cli-utils' depends-on is not followed", () => {
        const annotated = service({
            name: "a",
            namespace: "flux-system",
            annotations: { "config.kubernetes.io/depends-on": "/namespaces/flux-system/Secret/x" },
        });
        const findings = declarationFindings([annotated]);
        expect(findings.errors).to.deep.equal([]);
        expect(findings.warnings).to.have.length(1);
        expect(findings.warnings[0]).to.match(
            /^Service a: `config.kubernetes.io\/depends-on` is not followed/,
        );
    });

    it("reports them as problems of flux.manifest, all at once, and builds nothing", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-declared-"));
        const file = path.join(dir, "install.yaml");
        const objects = [
            ...syntheticInstallObjects(),
            { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: {} },
            {
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: { name: "sa", namespace: "flux-system" },
                spec: {},
            },
        ];
        fs.writeFileSync(file, objects.map((o) => stringify(o)).join("---\n"));
        const built = await buildInstall({
            version: "v2.9.5",
            namespace: "flux-system",
            keepOnDestroy: true,
            manifest: file,
            options: {},
        });
        expect(built.objects).to.equal(undefined);
        expect(built.problems.map(formatProblem)).to.deep.equal([
            `\`flux-gitops:flux.manifest\` is ${JSON.stringify(file)}: expected objects that apply as written: ConfigMap settings has no metadata.namespace; give it the namespace it belongs in`,
            `\`flux-gitops:flux.manifest\` is ${JSON.stringify(file)}: expected objects that apply as written: ServiceAccount sa has \`spec\`, which a ServiceAccount does not have (it takes \`automountServiceAccountToken\`, \`imagePullSecrets\`, \`secrets\`); it would not be applied`,
        ]);
    });
});
