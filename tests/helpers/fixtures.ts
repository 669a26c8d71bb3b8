import { newAgeIdentity, newSshIdentity, KNOWN_HOSTS } from "./keys";
import { readStackFile } from "./stack-file";

export const P = "flux-gitops";

/** A stack's config from its file plus freshly generated secrets, set the way README tells users to. */
export async function stackWithSecrets(stack: string): Promise<{
    config: Record<string, unknown>;
    secretKeys: string[];
    ageKey: string;
    sshIdentity: string;
}> {
    const ageKey = await newAgeIdentity();
    const sshIdentity = newSshIdentity();
    return {
        config: {
            ...readStackFile(stack),
            [`${P}:ageKey`]: `# created: by the test suite\n# public key: (derived)\n${ageKey}\n`,
            [`${P}:gitSshIdentity`]: sshIdentity,
            [`${P}:gitKnownHosts`]: KNOWN_HOSTS,
        },
        secretKeys: [`${P}:ageKey`, `${P}:gitSshIdentity`],
        ageKey,
        sshIdentity,
    };
}

/** A deep copy of `config` with the value at `key` + `path` replaced (`undefined` deletes it). */
export function withValue(
    config: Record<string, unknown>,
    key: string,
    path: (string | number)[],
    value: unknown,
): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(config)) as Record<string, any>;
    const full = `${P}:${key}`;
    if (path.length === 0) {
        if (value === undefined) delete copy[full];
        else copy[full] = value;
        return copy;
    }
    copy[full] ??= {};
    let node = copy[full];
    for (const seg of path.slice(0, -1)) {
        node[seg] ??= {};
        node = node[seg];
    }
    const last = path[path.length - 1];
    if (value === undefined) delete node[last];
    else node[last] = value;
    return copy;
}
