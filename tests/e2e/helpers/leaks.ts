import { expect } from "chai";
import * as path from "path";
import { ProjectCopy } from "./pulumi-cli";
import { readTree, revealsSecret, secretPaths } from "./secrets";

/**
 * The secret scan of the suites: none of `secrets` in plain text (or base64) in the stack's
 * outputs, its stack file, the file backend's state under `backendDir` or anything the CLI
 * printed; decrypted, each is in the export (so the scan looked where it is) and only inside
 * secret envelopes. Returns the stack outputs, parsed.
 */
export async function expectNoLeaks(
    project: ProjectCopy,
    backendDir: string,
    stack: string,
    secrets: string[],
): Promise<Record<string, unknown>> {
    const outputs = (await project.run(`pulumi stack output --json --stack ${stack}`)).stdout;
    const where = {
        "stack outputs": outputs,
        "stack file": project.stackFile(stack),
        "state files": readTree(path.join(backendDir, "state")),
        "CLI output": project.output(),
    };
    for (const [name, text] of Object.entries(where)) {
        expect(revealsSecret(text, secrets), `a secret in the ${name}`).to.equal(false);
    }
    const exported = JSON.parse(
        (
            await project.run(`pulumi stack export --show-secrets --stack ${stack}`, {
                private: true,
            })
        ).stdout,
    );
    for (const p of secretPaths(exported, secrets)) {
        expect(p, "a secret outside a secret envelope").to.match(/\.plaintext(<json>|$)/);
    }
    for (const s of secrets) {
        expect(secretPaths(exported, [s]), "found in the export").to.have.length.greaterThan(0);
    }
    return JSON.parse(outputs);
}
