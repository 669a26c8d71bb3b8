import { expect } from "chai";
import { buildInstallObjects, KubeObject, withSize } from "../../../flux/install";
import {
    COMMON_ARGS,
    CONTROLLER_ARGS,
    syntheticInstallManifest,
    syntheticInstallObjects,
} from "../../helpers/flux-manifest";

const MANIFEST = syntheticInstallManifest();
const release = () => syntheticInstallObjects() as KubeObject[];
const manager = (objs: KubeObject[], name: string) => {
    const d = objs.find((o) => o.kind === "Deployment" && o.metadata.name === name) as any;
    expect(d, `Deployment ${name}`).to.not.equal(undefined);
    return d.spec.template.spec.containers[0];
};
const EVENTS = CONTROLLER_ARGS["kustomize-controller"][0];
// The synthetic release's manager resources (Flux's own figures).
const REQUESTS = { cpu: "100m", memory: "64Mi" };

describe("install manifest: size presets", () => {
    // The Flux Operator's cluster.size figures, as issue 17's table gives them.
    const table: [string, string, string, string, string][] = [
        ["small", "5", "1", "512Mi", "10s"],
        ["medium", "10", "2", "1Gi", "5s"],
        ["large", "20", "3", "3Gi", "5s"],
    ];
    for (const [size, concurrent, cpu, memory, requeue] of table) {
        it(`${size}: --concurrent=${concurrent}, limits ${cpu}/${memory}, --requeue-dependency=${requeue} on kustomize- and helm-controller`, () => {
            const objs = withSize(release(), size as "small");
            for (const c of ["kustomize-controller", "helm-controller"]) {
                expect(manager(objs, c).args).to.deep.equal([
                    EVENTS,
                    ...COMMON_ARGS,
                    `--concurrent=${concurrent}`,
                    `--requeue-dependency=${requeue}`,
                ]);
                expect(manager(objs, c).resources).to.deep.equal({
                    limits: { cpu, memory },
                    requests: REQUESTS,
                });
            }
        });
    }

    it("leaves the other controllers as the manifest has them", () => {
        const before = release();
        const after = withSize(before, "large");
        for (const c of ["source-controller", "notification-controller"]) {
            expect(manager(after, c)).to.deep.equal(manager(before, c));
        }
    });

    it("replaces a flag the manifest sets instead of adding a second one", () => {
        const objs = withSize(withSize(release(), "small"), "large");
        const args: string[] = manager(objs, "helm-controller").args;
        expect(args.filter((a) => a.startsWith("--concurrent"))).to.deep.equal(["--concurrent=20"]);
        expect(args.filter((a) => a.startsWith("--requeue-dependency"))).to.deep.equal([
            "--requeue-dependency=5s",
        ]);
    });

    it("never changes the objects it is given", () => {
        const before = release();
        const copy = structuredClone(before);
        withSize(before, "medium");
        expect(before).to.deep.equal(copy);
    });

    it("is applied before flux.controllers and flux.patches, which still win", () => {
        const objs = buildInstallObjects(MANIFEST, {
            size: "large",
            controllers: { "kustomize-controller": { resources: { limits: { memory: "8Gi" } } } },
            patches: [
                {
                    target: { kind: "Deployment", name: "helm-controller" },
                    patch: JSON.stringify([
                        {
                            op: "replace",
                            path: "/spec/template/spec/containers/0/args/5",
                            value: "--concurrent=7",
                        },
                    ]),
                },
            ],
        });
        expect(manager(objs, "kustomize-controller").resources).to.deep.equal({
            limits: { cpu: "3", memory: "8Gi" },
            requests: REQUESTS,
        });
        expect(manager(objs, "helm-controller").args).to.deep.equal([
            EVENTS,
            ...COMMON_ARGS,
            "--concurrent=7",
            "--requeue-dependency=5s",
        ]);
    });
});
