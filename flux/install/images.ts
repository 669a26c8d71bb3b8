import { Container, editDeployments, KubeObject, podSpecOf } from "./objects";

/**
 * The image moved to another registry: `ghcr.io/fluxcd/source-controller:v1.7.0`
 * with registry `registry.corp/mirror/fluxcd` becomes
 * `registry.corp/mirror/fluxcd/source-controller:v1.7.0`. Like `flux install
 * --registry`, only the path before the image's last segment changes; the tag
 * or digest stays.
 */
export function rewriteImage(image: string, registry: string): string {
    const digestAt = image.indexOf("@");
    const beforeDigest = digestAt < 0 ? image : image.slice(0, digestAt);
    const lastSlash = beforeDigest.lastIndexOf("/");
    return `${registry.replace(/\/+$/, "")}/${image.slice(lastSlash + 1)}`;
}

/** Every container image of every Deployment pulled from `registry`. */
export function withRegistry(objects: KubeObject[], registry: string): KubeObject[] {
    return editDeployments(objects, (d) => {
        const pod = podSpecOf(d);
        for (const c of [
            ...(pod?.containers ?? []),
            ...((pod?.initContainers as Container[]) ?? []),
        ]) {
            if (typeof c.image === "string") c.image = rewriteImage(c.image, registry);
        }
    });
}

/** Every Deployment's pods pull with the named Secret (added once, after any the manifest lists). */
export function withImagePullSecret(objects: KubeObject[], secretName: string): KubeObject[] {
    return editDeployments(objects, (d) => {
        const pod = podSpecOf(d);
        if (pod === undefined) return;
        const secrets = (pod.imagePullSecrets as { name: string }[] | undefined) ?? [];
        if (!secrets.some((s) => s.name === secretName)) secrets.push({ name: secretName });
        pod.imagePullSecrets = secrets;
    });
}

/**
 * The `.dockerconfigjson` of a kubernetes.io/dockerconfigjson Secret for one
 * registry host, from `username:password` credentials (the form of `flux
 * bootstrap --registry-creds`).
 */
export function dockerConfigJson(registry: string, credentials: string): string {
    const colon = credentials.indexOf(":");
    const username = credentials.slice(0, colon);
    const password = credentials.slice(colon + 1);
    const host = registry.split("/")[0];
    const auth = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
    return JSON.stringify({ auths: { [host]: { username, password, auth } } });
}

/** The image pull Secret's name and `.dockerconfigjson`, when `flux.imagePullSecret` is set. */
export interface FluxPullSecret<S> {
    name: string;
    dockerConfigJson: S;
}
