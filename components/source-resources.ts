import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SourceKind } from "../flux/layers";
import { readinessAnnotations, ReadinessSettings } from "../flux/readiness";
import { secretData } from "./secret-data";
import { STATUS_OUTPUT } from "./status";

/** What a Flux source object and its credentials Secret need. */
interface SourceResourceArgs {
    namespace: string;
    repositoryName: string;
    secretName: string;
    readiness: ReadinessSettings;
    apiVersion: string;
    kind: SourceKind;
    spec: Record<string, unknown>;
    /** The source's config key is stored as a secret: so are the spec and what is derived from it. */
    confidential?: boolean;
    /** The Secret's type and data, when the source has one. */
    secret?: { type: string; data: Record<string, pulumi.Input<string>> };
}

/**
 * Declares a source's Secret (if any) and the source object, both children of
 * `parent`; the source waits for the Secret, since its first fetch would fail
 * without it and Ready would wait for a retry.
 */
export function declareSource(
    parent: pulumi.ComponentResource,
    name: string,
    args: SourceResourceArgs,
    after: pulumi.ComponentResourceOptions["dependsOn"],
): { repository: k8s.apiextensions.CustomResource; secret?: k8s.core.v1.Secret } {
    const secret =
        args.secret === undefined
            ? undefined
            : new k8s.core.v1.Secret(
                  `${name}-auth`,
                  {
                      metadata: { name: args.secretName, namespace: args.namespace },
                      type: args.secret.type,
                      data: secretData(args.secret.data),
                  },
                  { parent, dependsOn: after, additionalSecretOutputs: ["data", "stringData"] },
              );
    const confidentially = <T>(v: T) => (args.confidential ? pulumi.secret(v) : v);
    const annotations = readinessAnnotations(args.readiness, args.spec);
    const repository = new k8s.apiextensions.CustomResource(
        name,
        {
            apiVersion: args.apiVersion,
            kind: args.kind,
            metadata: {
                name: args.repositoryName,
                namespace: args.namespace,
                // None rather than an empty map (see FluxLayers).
                ...(Object.keys(annotations).length > 0 && {
                    annotations: confidentially(annotations),
                }),
            },
            spec: confidentially(args.spec),
            ...STATUS_OUTPUT,
        },
        pulumi.mergeOptions({ parent, dependsOn: after }, { dependsOn: secret }),
    );
    return { repository, secret };
}
