import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { clearManifestCache } from "../../flux/install";
import { buildInstall } from "../../prepare/install";
import { releaseManifestUrl } from "../../stacks/defaults";
import { formatProblem } from "../../stacks/errors";
import { neededComponents } from "../../stacks/sections/across";
import { FluxSettings } from "../../stacks/types";

/*
 * The install's CRDs against the API versions the stack writes its Providers, Alerts and
 * Receiver in: an install whose CRDs do not serve them would be applied, and `pulumi up` would
 * then fail on the first notification object.
 */

const GROUP = "notification.toolkit.fluxcd.io";

/** A notification CRD listing `versions`, each served unless named in `unserved`. */
function crd(kind: string, versions: string[], unserved: string[] = []) {
    const plural = `${kind.toLowerCase()}s`;
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: {
            name: `${plural}.${GROUP}`,
            labels: { "app.kubernetes.io/component": "notification-controller" },
        },
        spec: {
            group: GROUP,
            names: { kind, plural },
            scope: "Namespaced",
            versions: versions.map((name, i) => ({
                name,
                served: !unserved.includes(name),
                storage: i === versions.length - 1,
            })),
        },
    };
}

const manifest = (objects: object[]) => `---\n${objects.map((o) => stringify(o)).join("---\n")}`;

function manifestFile(objects: object[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-notification-crds-"));
    const file = path.join(dir, "install.yaml");
    fs.writeFileSync(file, manifest(objects));
    return file;
}

const flux = (m: string, options: FluxSettings["options"] = {}): FluxSettings => ({
    version: "v2.9.5",
    namespace: "flux-system",
    keepOnDestroy: true,
    manifest: m,
    options,
});

/** What the stack declares: providers with alerts, and a receiver. */
const BOTH = neededComponents({
    notifications: { providers: ["slack"], alerts: ["slack"] },
    receiver: {},
});

/** Flux 2.0's CRDs: Provider and Alert up to v1beta2, Receiver up to v1. */
const FLUX_2_0 = [
    crd("Provider", ["v1beta1", "v1beta2"]),
    crd("Alert", ["v1beta1", "v1beta2"]),
    crd("Receiver", ["v1beta1", "v1beta2", "v1"]),
];

describe("prepare: the install's notification CRDs", () => {
    it("refuses each kind whose CRD does not serve the version the stack writes, at its key", async () => {
        const objects = [
            ...FLUX_2_0.slice(0, 2),
            // Listed, but no longer served: it counts as not served.
            crd("Receiver", ["v1beta2", "v1"], ["v1"]),
        ];
        const built = await buildInstall(flux(manifestFile(objects)), { needs: BOTH });
        expect(built.objects).to.equal(undefined);
        const remedy = "set `flux-gitops:flux.manifest` to the install of a release that serves it";
        expect(built.problems.map(formatProblem)).to.deep.equal([
            "`flux-gitops:notifications` is (set): expected unset, or an install whose Provider CRD " +
                "serves the version the stack writes: the install's Provider CRD serves v1beta1, v1beta2; " +
                `the stack writes notification.toolkit.fluxcd.io/v1beta3: ${remedy}`,
            "`flux-gitops:notifications` is (set): expected unset, or an install whose Alert CRD " +
                "serves the version the stack writes: the install's Alert CRD serves v1beta1, v1beta2; " +
                `the stack writes notification.toolkit.fluxcd.io/v1beta3: ${remedy}`,
            "`flux-gitops:receiver` is (set): expected unset, or an install whose Receiver CRD " +
                "serves the version the stack writes: the install's Receiver CRD serves v1beta2; " +
                `the stack writes notification.toolkit.fluxcd.io/v1: ${remedy}`,
        ]);
    });

    it("names flux.version when the install is the release's own manifest", async () => {
        const version = "v2.7.0";
        const url = releaseManifestUrl(version);
        const offline = globalThis.fetch;
        globalThis.fetch = (async (input: unknown) =>
            String(input) === url
                ? new Response(manifest([crd("Provider", ["v1beta2"]), ...FLUX_2_0.slice(1)]))
                : offline(input as string)) as typeof fetch;
        clearManifestCache();
        try {
            const built = await buildInstall({ ...flux(url), version }, { needs: BOTH });
            expect(built.problems.map(formatProblem)).to.deep.equal([
                "`flux-gitops:notifications` is (set): expected unset, or an install whose Provider CRD " +
                    "serves the version the stack writes: the install's Provider CRD serves v1beta2; " +
                    "the stack writes notification.toolkit.fluxcd.io/v1beta3: " +
                    "set `flux-gitops:flux.version` to a release that serves it",
                "`flux-gitops:notifications` is (set): expected unset, or an install whose Alert CRD " +
                    "serves the version the stack writes: the install's Alert CRD serves v1beta1, v1beta2; " +
                    "the stack writes notification.toolkit.fluxcd.io/v1beta3: " +
                    "set `flux-gitops:flux.version` to a release that serves it",
            ]);
        } finally {
            globalThis.fetch = offline;
            clearManifestCache();
        }
    });

    it("says when a CRD serves no version at all", async () => {
        const objects = [crd("Receiver", ["v1"], ["v1"])];
        const needs = neededComponents({
            notifications: { providers: [], alerts: [] },
            receiver: {},
        });
        const built = await buildInstall(flux(manifestFile(objects)), { needs });
        expect(built.problems.map((p) => p.expected)).to.deep.equal([
            "unset, or an install whose Receiver CRD serves the version the stack writes: the " +
                "install's Receiver CRD serves no version; the stack writes " +
                "notification.toolkit.fluxcd.io/v1: set `flux-gitops:flux.manifest` to the install " +
                "of a release that serves it",
        ]);
    });

    it("reports them together with the manifest's other problems", async () => {
        const built = await buildInstall(
            flux(manifestFile(FLUX_2_0), {
                components: ["notification-controller", "source-controller"],
            }),
            { needs: BOTH },
        );
        expect(built.problems.map((p) => p.key)).to.deep.equal([
            "flux-gitops:flux.components",
            "flux-gitops:notifications",
            "flux-gitops:notifications",
        ]);
    });

    it("checks only the kinds the stack declares", async () => {
        const providersOnly = neededComponents({
            notifications: { providers: ["github"], alerts: [] },
            receiver: null,
        });
        const built = await buildInstall(flux(manifestFile(FLUX_2_0)), { needs: providersOnly });
        expect(built.problems.map((p) => [p.key, p.expected.split(":")[0]])).to.deep.equal([
            [
                "flux-gitops:notifications",
                "unset, or an install whose Provider CRD serves the version the stack writes",
            ],
        ]);
        const none = await buildInstall(flux(manifestFile(FLUX_2_0)), { needs: [] });
        expect(none.problems).to.deep.equal([]);
    });

    it("passes CRDs that serve the versions the stack writes, deprecated ones beside them", async () => {
        const objects = [
            crd("Provider", ["v1beta1", "v1beta2", "v1beta3"]),
            crd("Alert", ["v1beta1", "v1beta2", "v1beta3"]),
            crd("Receiver", ["v1beta1", "v1beta2", "v1"]),
        ];
        const built = await buildInstall(flux(manifestFile(objects)), { needs: BOTH });
        expect(built.problems).to.deep.equal([]);
        expect(built.objects?.map((o) => o.metadata.name)).to.deep.equal([
            `providers.${GROUP}`,
            `alerts.${GROUP}`,
            `receivers.${GROUP}`,
        ]);
    });
});
