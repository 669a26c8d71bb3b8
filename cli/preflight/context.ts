import { configKey } from "../../stacks";
import { Layer } from "../../flux/layers";
import { Finding } from "./findings";

import { Repo } from "./yaml-files";

/** An object the stack declares in the Flux namespace, with the config key that declares it. */
export interface StackObject {
    kind: string;
    name: string;
    key: (string | number)[];
}

/** What every check gets: the repository and the stack's side of the contract. */
export interface PreflightContext {
    repo: Repo;
    /** Enabled layers, each after the layers it depends on. */
    layers: Layer[];
    /** Public age recipients of the stack's key; undefined when not known. */
    recipients?: string[];
    /** The stack's own source, GitRepository or OCIRepository (Pulumi defines it, no layer does). */
    source: { kind: "GitRepository" | "OCIRepository"; name: string; namespace: string };
    /** The Providers, Alerts, Receiver and their Secrets the stack declares in the Flux namespace. */
    declared: StackObject[];
    /** `Pulumi.prod.yaml:31` for a config key path set in the stack file, else undefined. */
    keyAt(p: (string | number)[]): string | undefined;
}

/** A finding about a config key, with where that key is set. */
export function keyed(
    ctx: PreflightContext,
    p: (string | number)[],
): Pick<Finding, "key" | "keyAt"> {
    return { key: configKey(p), keyAt: ctx.keyAt(p) };
}
