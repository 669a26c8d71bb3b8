/**
 * Prints the Kubernetes objects the program declares for a stack, as YAML, in
 * the order Pulumi would create them. Used by the integration tests to apply
 * exactly what the program asks for with kubectl, before a Pulumi CLI exists.
 *
 *   npm run --silent render -- --stack-file Pulumi.it.yaml \
 *       --secret ageKey=./age.agekey --secret gitSshIdentity=./id --config gitKnownHosts=./known_hosts
 *
 * Output contains the secrets in clear (base64): write it to a private temp file only.
 */
import * as fs from "fs";
import { parse, stringify } from "yaml";
import { runProgram } from "./mocks";

const PROJECT = "flux-gitops";

async function main(argv: string[]): Promise<void> {
    const config: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, arg] = [argv[i], argv[i + 1]];
        if (arg === undefined) throw new Error(`${flag} needs a value`);
        if (flag === "--stack-file") {
            const doc = parse(fs.readFileSync(arg, "utf8")) as { config?: Record<string, unknown> };
            Object.assign(config, doc.config ?? {});
        } else if (flag === "--secret" || flag === "--config") {
            const [key, file] = arg.split(/=(.*)/s);
            config[`${PROJECT}:${key}`] = fs.readFileSync(file, "utf8");
            if (flag === "--secret") secretKeys.push(`${PROJECT}:${key}`);
        } else {
            throw new Error(`unknown flag ${flag}`);
        }
    }
    const run = await runProgram(config, secretKeys, { stack: "render" });
    // The install's objects first (as the program built them from the manifest), then the rest.
    const install = run.resources.find((r) => r.type === "kubernetes:yaml/v2:ConfigGroup");
    const objects = [
        ...((install?.inputs.objs as object[] | undefined) ?? []),
        ...run.resources
            .filter((r) => r.inputs.apiVersion !== undefined && r.inputs.kind !== undefined)
            .map((r) => r.inputs),
    ];
    process.stdout.write(objects.map((o) => `---\n${stringify(o)}`).join(""));
}

main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
