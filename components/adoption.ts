import * as pulumi from "@pulumi/pulumi";

/**
 * Says, in `pulumi preview` and `pulumi up`, that the objects exist already: after
 * `npm run takeover` the first `up` lists them as "create", and @pulumi/kubernetes (≤ 4.28)
 * creates by server-side apply, which adopts the live object (same UID) instead of making a
 * new one. The takeover command checks the provider version that makes this hold.
 */
export function announceAdoption(objects: [pulumi.Resource | undefined, string][]): void {
    for (const [resource, what] of objects) {
        if (resource === undefined) continue;
        void pulumi.log.info(
            `takeover: adopts the existing ${what}; a "create" here is a server-side apply onto the live object, which keeps its UID`,
            resource,
        );
    }
}
