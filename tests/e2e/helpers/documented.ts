import { expect } from "chai";
import { env } from "../../integration/helpers/loopback";
import { exited, LAYERS, ready, readySince, Requeue, startFluxWhenInstalled } from "./cluster";
import { CliResult, ProjectCopy } from "./pulumi-cli";
import { commandLines, docShellBlocks, DOCUMENTED, substitute, without } from "./readme";

/**
 * The documented set-up section for `stack`, with only what differs here substituted: the
 * repository URL and its SSH host; the key files keep the documented names. `npm ci` is CI's own
 * first step (the copy uses the repository's node_modules). One command is added for the
 * cluster: its controllers run as local processes, so the install manifest holds only
 * Flux's namespace and CRDs.
 */
export function setUpCommands(stack: "prod" | "dev", url: string, manifest: string): string[] {
    const readme = commandLines(docShellBlocks(DOCUMENTED.setUp));
    return [
        ...substitute(without(readme, /^npm ci$/), [
            { from: "ssh://git@github.com/<org>/<repo>.git", to: url },
            {
                from: "ssh-keyscan github.com",
                to: `ssh-keyscan -p ${env("GIT_SSH_PORT")} ${env("GIT_SSH_HOST")}`,
            },
            {
                from: "pulumi stack select --create prod",
                to: `pulumi stack select --create ${stack}`,
            },
        ]),
        `pulumi config set --path flux.manifest ${manifest}`,
    ];
}

/** The documented deploy section for `stack`. */
export function deployCommands(stack: "prod" | "dev"): string[] {
    return substitute(commandLines(docShellBlocks(DOCUMENTED.deploy)), [
        { from: "--stack prod", to: `--stack ${stack}`, count: 3 },
    ]);
}

/** Runs `pulumi up …` in `project` with Flux's controllers starting once the CRDs exist. */
export async function upWithFlux(
    project: ProjectCopy,
    command: string,
    requeue: Requeue,
    opts: { notification?: boolean } = {},
): Promise<CliResult> {
    const flux = startFluxWhenInstalled(requeue, opts);
    const result = await project.run(command);
    expect(await exited(flux), "Flux's controllers started").to.equal(0);
    return result;
}

/** Checks made right when `pulumi up` returned: no polling, Flux must already say Ready. */
export function expectReadyInOrder(): void {
    for (const l of LAYERS)
        expect(ready(l)?.status, `${l} Ready when up returned`).to.equal("True");
    expect(readySince("databases")).to.be.at.least(readySince("infrastructure"));
    expect(readySince("apps")).to.be.at.least(readySince("databases"));
}
