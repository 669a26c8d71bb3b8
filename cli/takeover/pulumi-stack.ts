import { execFileSync } from "child_process";
import { RawConfig } from "../../stacks";
import { PROJECT } from "../../stacks/defaults";

/** Which stack, in which Pulumi project folder. */
export interface StackRef {
    stack: string;
    cwd: string;
}

function pulumi(s: StackRef, cmd: string[]): string {
    return execFileSync("pulumi", [...cmd, "--stack", s.stack, "--cwd", s.cwd], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 16 * 1024 * 1024,
    });
}

/** The stack's config as the program sees it; secrets stay in this process, never printed. */
export function readStackConfig(s: StackRef): RawConfig {
    const all = JSON.parse(pulumi(s, ["config", "--json", "--show-secrets"])) as Record<
        string,
        { value?: string; objectValue?: unknown; secret?: boolean }
    >;
    const raw: RawConfig = {};
    for (const [key, v] of Object.entries(all)) {
        // The list an earlier run wrote is written anew from what the cluster holds now.
        if (!key.startsWith(`${PROJECT}:`) || key === `${PROJECT}:takeover`) continue;
        raw[key.slice(PROJECT.length + 1)] = {
            value: v.objectValue ?? v.value,
            secret: v.secret === true,
        };
    }
    return raw;
}

/** `flux-gitops:takeover` becomes exactly the list (what an earlier run wrote goes first). */
export function writeAdoptList(s: StackRef, keys: string[]): void {
    try {
        pulumi(s, ["config", "rm", `${PROJECT}:takeover`]);
    } catch {
        // Not set: nothing to remove.
    }
    pulumi(s, [
        "config",
        "set-all",
        "--path",
        ...keys.flatMap((k, i) => ["--plaintext", `takeover[${i}]=${k}`]),
    ]);
}
