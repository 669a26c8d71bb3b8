import * as pulumi from "@pulumi/pulumi";

/**
 * A Secret's `data` map from secret values: base64 as the API stores it (so a
 * refresh sees no drift, unlike `stringData`), and still a Pulumi secret.
 */
export function secretData(
    values: Record<string, pulumi.Input<string>>,
): pulumi.Output<Record<string, string>> {
    const encoded = pulumi
        .all(values)
        .apply((v) =>
            Object.fromEntries(
                Object.entries(v).map(([k, s]) => [k, Buffer.from(s, "utf8").toString("base64")]),
            ),
        );
    return pulumi.secret(encoded);
}
