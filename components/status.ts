import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The `status` field as a CustomResource output: a CustomResource exposes as
 * outputs only the fields it was given, so Flux objects are declared with
 * `status: undefined` (an unset input, sent to no one) and read back here.
 */
export const STATUS_OUTPUT = { status: undefined } as const;

/** The object's `status` as the provider last read it (unknown during a preview). */
export function statusOf(cr: k8s.apiextensions.CustomResource): pulumi.Output<unknown> {
    return (cr as unknown as { status: pulumi.Output<unknown> }).status;
}
