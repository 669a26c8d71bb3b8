import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, DEFAULT_FLUX_VERSION } from "../../../stacks";
import { Layer } from "../../../flux/layers";
import {
    ALERT_API_VERSION,
    AlertSettings,
    PROVIDER_API_VERSION,
    PROVIDER_TYPE_NAMES,
    ProviderSettings,
    RECEIVER_API_VERSION,
    RECEIVER_TYPE_NAMES,
    ReceiverSettings,
} from "../../../flux/notifications";
import { Problems } from "../../../stacks/problems";
import { SectionContext } from "../../../stacks/sections/context";
import { checkFluxObjects } from "../../../stacks/sections/flux-objects";
import { validatorsSource } from "../../toolchain/flux-validators";
import { stackWithSecrets, withValue } from "../../helpers/fixtures";
import { runFailingProgram } from "../../helpers/mocks";

/*
 * Class 4: what Flux's CRD validation would reject at apply time is a config error
 * now, with its key. The program checks the objects it declares against the CRD
 * schemas of the pinned release (stacks/flux-crd-schemas.json).
 */
const P = "flux-gitops";
const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("accepted here, rejected by Flux (class 4)", () => {
    let base: Awaited<ReturnType<typeof stackWithSecrets>>;
    before(async () => {
        base = await stackWithSecrets("prod");
    });

    // The URL parser reads these as https:// URLs; the CRD's pattern ^(http|https|ssh)://.*$ does not.
    for (const url of [
        "HTTPS://git.example.test/org/repo.git",
        "https://git.example.test/org/re\npo.git",
    ]) {
        it(`refuses git.url ${JSON.stringify(url)}, which the GitRepository CRD rejects`, async () => {
            let config = withValue(base.config, "git", ["url"], url);
            config = withValue(config, "gitSshIdentity", [], undefined);
            config = withValue(config, "gitKnownHosts", [], undefined);
            const { error, resources } = await runFailingProgram(config, base.secretKeys);
            expect(error, String(error)).to.be.instanceOf(ConfigError);
            expect(resources).to.deep.equal([]);
            const problems = (error as ConfigError).problems;
            expect(problems.map((p) => p.key)).to.deep.equal([`${P}:git.url`]);
            expect(problems[0].expected).to.contain("GitRepository CRD");
            expect(problems[0].expected).to.contain("^(http|https|ssh)://.*$");
        });
    }

    const ctxFor = (): SectionContext => ({ raw: {}, problems: new Problems({}), baseDir: ROOT });
    const noNotifications = { notifications: { providers: [], alerts: [] }, receiver: null };
    const git = {
        repositoryName: "flux-system",
        url: "https://git.example.test/r.git",
        ref: { branch: "main" },
        interval: "1m0s",
        secretName: "flux-system",
        auth: "none" as const,
        credentials: {},
    };
    const layer: Layer = {
        name: "apps",
        path: "./apps",
        interval: "10m0s",
        prune: true,
        dependsOn: [],
        healthChecks: [],
    };

    it("maps every CRD violation of a Kustomization to the config key it comes from", () => {
        const ctx = ctxFor();
        checkFluxObjects(ctx, {
            source: { kind: "git", git },
            sopsSecretName: "sops-age",
            ...noNotifications,
            layers: [
                {
                    ...layer,
                    deletionPolicy: "Keep" as Layer["deletionPolicy"],
                    targetNamespace: "",
                    retryInterval: "5 minutes",
                    substitute: { A: 1 as unknown as string },
                },
            ],
        });
        expect(ctx.problems.sorted().map((p) => p.key)).to.deep.equal([
            `${P}:layers.apps.deletionPolicy`,
            `${P}:layers.apps.retryInterval`,
            `${P}:layers.apps.substitute.A`,
            `${P}:layers.apps.targetNamespace`,
        ]);
        for (const p of ctx.problems.sorted()) expect(p.expected).to.contain("Kustomization CRD");
    });

    it("passes the objects of a valid layer and repository", () => {
        const ctx = ctxFor();
        checkFluxObjects(ctx, {
            source: { kind: "git", git },
            sopsSecretName: "sops-age",
            ...noNotifications,
            layers: [layer],
        });
        expect(ctx.problems.sorted()).to.deep.equal([]);
    });

    const oci = {
        repositoryName: "flux-system",
        url: "oci://ghcr.io/acme-platform/cluster-gitops",
        ref: { tag: "latest" },
        interval: "1m0s",
        provider: "generic" as const,
        secretName: "flux-system",
    };

    it("passes a valid OCIRepository and the layers that build from it", () => {
        const ctx = ctxFor();
        checkFluxObjects(ctx, {
            source: { kind: "oci", oci },
            sopsSecretName: "sops-age",
            ...noNotifications,
            layers: [layer],
        });
        expect(ctx.problems.sorted()).to.deep.equal([]);
    });

    it("maps a CRD violation of the OCIRepository to its oci key", () => {
        const ctx = ctxFor();
        checkFluxObjects(ctx, {
            source: {
                kind: "oci",
                oci: { ...oci, interval: "5 minutes", url: "OCI://ghcr.io/a/b" },
            },
            sopsSecretName: "sops-age",
            ...noNotifications,
            layers: [layer],
        });
        const problems = ctx.problems.sorted();
        expect(problems.map((p) => p.key)).to.deep.equal([`${P}:oci.interval`, `${P}:oci.url`]);
        for (const p of problems) expect(p.expected).to.contain("OCIRepository CRD");
    });

    /*
     * Provider, Alert and Receiver: no value the config schemas let through breaks their CRDs
     * (names are DNS labels and subdomains, the types are enums of types 1.6 knows, address and
     * channel stop at the CRD's 2048 characters, counted in UTF-16 units, which is never fewer
     * than the API server's code points), so these feed the checker settings no config parses to:
     * what a release whose CRDs tighten a rule would refuse, and the mapping of each field.
     */
    const SECRET_URL = "https://hooks.slack.example/services/T000/B000/s3cr3t-path";
    const SECRET_TOKEN = "ghp_s3cr3tT0ken0123456789";
    const provider: ProviderSettings<string> = {
        name: "chat",
        type: "slack",
        channel: "platform-alerts",
        secretName: "chat-provider",
        credentials: { address: SECRET_URL, token: SECRET_TOKEN },
    };
    const alert: AlertSettings = {
        name: "failures",
        provider: "chat",
        layers: ["apps"],
        source: true,
        eventSeverity: "error",
    };
    const receiver: ReceiverSettings<string> = {
        name: "push",
        type: "github",
        events: ["push"],
        layers: ["apps"],
        secretName: "webhook-token",
        token: SECRET_TOKEN,
    };
    const withNotifications = (
        n: { providers?: ProviderSettings<string>[]; alerts?: AlertSettings[] },
        r: ReceiverSettings<string> | null = null,
        source: { kind: "git"; git: typeof git } = { kind: "git", git },
    ) => {
        const ctx = ctxFor();
        checkFluxObjects(ctx, {
            source,
            sopsSecretName: "sops-age",
            layers: [layer],
            notifications: { providers: n.providers ?? [], alerts: n.alerts ?? [] },
            receiver: r,
        });
        return ctx.problems.sorted();
    };

    it("passes a Provider of every type, their Alerts and a Receiver of every type the config allows", () => {
        // The schemas are notification-controller 1.6's: it must know every type the config allows.
        const { schemas } = JSON.parse(
            fs.readFileSync(path.join(ROOT, "stacks/flux-crd-schemas.json"), "utf8"),
        );
        const typesOf = (kind: string): string[] => schemas[kind].properties.type.enum;
        expect(typesOf(`${PROVIDER_API_VERSION}/Provider`)).to.include.members(PROVIDER_TYPE_NAMES);
        expect(typesOf(`${RECEIVER_API_VERSION}/Receiver`)).to.include.members(RECEIVER_TYPE_NAMES);
        for (const type of PROVIDER_TYPE_NAMES) {
            const problems = withNotifications({
                providers: [{ ...provider, type, address: "https://events.example.test/flux" }],
                alerts: [{ ...alert, exclusionList: ["waiting for dependencies"] }],
            });
            expect(problems, type).to.deep.equal([]);
        }
        for (const type of RECEIVER_TYPE_NAMES) {
            expect(withNotifications({}, { ...receiver, type }), type).to.deep.equal([]);
        }
    });

    it("maps every CRD violation of a Provider to its notifications key, showing no credential", () => {
        const problems = withNotifications({
            providers: [
                {
                    ...provider,
                    type: "pushover" as ProviderSettings<string>["type"],
                    address: `https://events.example.test/${"a".repeat(2048)}`,
                    channel: "c".repeat(2049),
                },
            ],
        });
        const too = (field: string) =>
            `a value Flux ${DEFAULT_FLUX_VERSION} accepts: its Provider CRD says /${field} must NOT have more than 2048 characters`;
        expect(problems).to.deep.equal([
            {
                key: `${P}:notifications.providers.chat.address`,
                value: "[not shown]",
                expected: too("address"),
            },
            {
                key: `${P}:notifications.providers.chat.channel`,
                value: `"${"c".repeat(119)}…`,
                expected: too("channel"),
            },
            {
                key: `${P}:notifications.providers.chat.type`,
                value: '"pushover"',
                expected: `a value Flux ${DEFAULT_FLUX_VERSION} accepts: its Provider CRD says /type must be equal to one of the allowed values`,
            },
        ]);
        expect(JSON.stringify(problems)).to.not.contain("s3cr3t");
    });

    it("maps every CRD violation of an Alert to its notifications key, the source's to its name", () => {
        const problems = withNotifications(
            {
                providers: [provider],
                alerts: [
                    {
                        ...alert,
                        layers: ["apps", ""],
                        eventSeverity: "warning" as AlertSettings["eventSeverity"],
                        exclusionList: [7 as unknown as string],
                    },
                ],
            },
            null,
            { kind: "git", git: { ...git, repositoryName: "r".repeat(254) } },
        );
        const says = (what: string) =>
            `a value Flux ${DEFAULT_FLUX_VERSION} accepts: its Alert CRD says ${what}`;
        expect(problems.map((p) => [p.key, p.expected])).to.deep.equal([
            [
                `${P}:git.repositoryName`,
                says("/eventSources/2/name must NOT have more than 253 characters"),
            ],
            [
                `${P}:notifications.alerts.failures.eventSeverity`,
                says("/eventSeverity must be equal to one of the allowed values"),
            ],
            [
                `${P}:notifications.alerts.failures.exclusionList[0]`,
                says("/exclusionList/0 must be string"),
            ],
            [
                `${P}:notifications.alerts.failures.layers[1]`,
                says("/eventSources/1/name must NOT have fewer than 1 characters"),
            ],
        ]);
        expect(problems.map((p) => p.value)).to.deep.equal([
            `"${"r".repeat(119)}…`,
            '"warning"',
            "7",
            '""',
        ]);
    });

    it("maps every CRD violation of the Receiver to its receiver key, showing no token", () => {
        const problems = withNotifications(
            {},
            {
                ...receiver,
                type: "gitea" as ReceiverSettings<string>["type"],
                events: [1 as unknown as string],
                layers: [""],
            },
        );
        const says = (what: string) =>
            `a value Flux ${DEFAULT_FLUX_VERSION} accepts: its Receiver CRD says ${what}`;
        expect(problems).to.deep.equal([
            {
                key: `${P}:receiver.events[0]`,
                value: "1",
                expected: says("/events/0 must be string"),
            },
            {
                key: `${P}:receiver.layers[0]`,
                value: '""',
                expected: says("/resources/1/name must NOT have fewer than 1 characters"),
            },
            {
                key: `${P}:receiver.type`,
                value: '"gitea"',
                expected: says("/type must be equal to one of the allowed values"),
            },
        ]);
        expect(JSON.stringify(problems)).to.not.contain(SECRET_TOKEN);
    });

    it("vendors the schemas of the release the toolchain and the program pin", () => {
        const env = fs.readFileSync(path.join(ROOT, "tests/toolchain/versions.env"), "utf8");
        const file = JSON.parse(
            fs.readFileSync(path.join(ROOT, "stacks/flux-crd-schemas.json"), "utf8"),
        );
        expect(file.release).to.equal(/^FLUX_VERSION=(\S+)$/m.exec(env)?.[1]);
        expect(file.release).to.equal(DEFAULT_FLUX_VERSION);
        expect(Object.keys(file.schemas)).to.deep.equal([
            "kustomize.toolkit.fluxcd.io/v1/Kustomization",
            "source.toolkit.fluxcd.io/v1/GitRepository",
            "source.toolkit.fluxcd.io/v1/OCIRepository",
            "notification.toolkit.fluxcd.io/v1beta3/Provider",
            "notification.toolkit.fluxcd.io/v1beta3/Alert",
            "notification.toolkit.fluxcd.io/v1/Receiver",
        ]);
        // The notification kinds in the versions the components write.
        expect(Object.keys(file.schemas)).to.include.members([
            `${PROVIDER_API_VERSION}/Provider`,
            `${ALERT_API_VERSION}/Alert`,
            `${RECEIVER_API_VERSION}/Receiver`,
        ]);
    });

    it("matches the CRDs of the cached toolchain, when it is built", function () {
        const crds = path.join(
            process.env.TOOLCHAIN_CACHE ?? path.join(os.homedir(), ".cache/flux-gitops-toolchain"),
            `flux-${DEFAULT_FLUX_VERSION}`,
            "crds",
        );
        if (!fs.existsSync(path.join(crds, "kustomize.toolkit.fluxcd.io_kustomizations.yaml"))) {
            this.skip();
        }
        const file = JSON.parse(
            fs.readFileSync(path.join(ROOT, "stacks/flux-crd-schemas.json"), "utf8"),
        );
        const crd = parse(
            fs.readFileSync(
                path.join(crds, "source.toolkit.fluxcd.io_gitrepositories.yaml"),
                "utf8",
            ),
        );
        const spec = crd.spec.versions.find((v: { name: string }) => v.name === "v1").schema
            .openAPIV3Schema.properties.spec;
        const vendored = file.schemas["source.toolkit.fluxcd.io/v1/GitRepository"];
        expect(vendored.properties.url).to.deep.equal({
            pattern: spec.properties.url.pattern,
            type: spec.properties.url.type,
        });
        expect(vendored.required).to.deep.equal(spec.required);
    });
});

describe("the Flux CRD validators", () => {
    it("are the code generated from the committed schemas (npm run gen:flux-validators)", () => {
        const schemas = fs.readFileSync(path.join(ROOT, "stacks/flux-crd-schemas.json"), "utf8");
        const committed = fs.readFileSync(path.join(ROOT, "stacks/flux-crd-validators.js"), "utf8");
        expect(committed).to.equal(validatorsSource(JSON.parse(schemas)));
    });
});
