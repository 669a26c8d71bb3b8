import { expect } from "chai";
import { parseLayers } from "../../../stacks/sections/layers";
import { SectionContext } from "../../../stacks/sections/context";
import { keysOf, runSection } from "../../helpers/section";

const layers = (ctx: SectionContext) => parseLayers(ctx, "7m");

describe("section layers", () => {
    it("is the seed's three layers in dependency order, each waited for readiness.timeout", async () => {
        const { result, problems } = await runSection(layers, {});
        expect(problems).to.deep.equal([]);
        expect(result?.map((l) => [l.name, l.dependsOn, l.readinessTimeout])).to.deep.equal([
            ["infrastructure", [], "7m"],
            ["databases", ["infrastructure"], "7m"],
            ["apps", ["databases"], "7m"],
        ]);
    });

    it("merges overrides field by field, adds and removes layers", async () => {
        const { result, problems } = await runSection(layers, {
            layers: {
                monitoring: { path: "./gitops/monitoring", dependsOn: ["infrastructure"] },
                apps: { enabled: false },
                databases: { interval: "2m", healthChecks: [{ name: "pg", namespace: "db" }] },
            },
        });
        expect(problems).to.deep.equal([]);
        expect(result?.map((l) => l.name)).to.deep.equal([
            "infrastructure",
            "databases",
            "monitoring",
        ]);
        const db = result?.find((l) => l.name === "databases");
        expect(db).to.deep.include({
            path: "./gitops/apps/databases",
            interval: "2m",
            deletionPolicy: "Orphan",
            healthChecks: [
                {
                    apiVersion: "helm.toolkit.fluxcd.io/v2",
                    kind: "HelmRelease",
                    name: "pg",
                    namespace: "db",
                },
            ],
        });
    });

    it("reports every bad layer, not only the first", async () => {
        const { result, problems } = await runSection(layers, {
            layers: { apps: { interval: "soon" }, databases: { prune: "yes" }, Bad: {} },
        });
        expect(result).to.equal(undefined);
        expect(keysOf(problems)).to.deep.equal([
            "flux-gitops:layers.Bad",
            "flux-gitops:layers.apps.interval",
            "flux-gitops:layers.databases.prune",
        ]);
    });

    it("checks the graph: unknown and disabled dependencies, cycles", async () => {
        const { problems } = await runSection(layers, {
            layers: {
                infrastructure: { dependsOn: ["apps"] },
                monitoring: { path: "./m", dependsOn: ["nope"] },
            },
        });
        expect(keysOf(problems)).to.deep.equal([
            "flux-gitops:layers.infrastructure.dependsOn",
            "flux-gitops:layers.monitoring.dependsOn[0]",
        ]);
    });
});
