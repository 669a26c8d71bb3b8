import { Reported } from "../../cli/evaluate";

/** The revision the fake cluster's source fetched and every layer applied. */
export const HEAD = "main@sha1:4f1c0a8e2b7d9c3e5f60718293a4b5c6d7e8f901";
/** The path the fake notification-controller gives every Receiver. */
export const WEBHOOK_PATH =
    "/hook/8d2b0e6c4f1a3b5d7e9f0a1c2b3d4e5f60718293a4b5c6d7e8f9011223344556";

/**
 * What Flux reports once `pulumi up`'s wait is over: every Kustomization Ready
 * at HEAD, every source fetched at HEAD, every Receiver with its webhook path.
 * `notReady` names layers (metadata.name) that report Ready False instead.
 */
export function fluxReady(notReady: string[] = []): Reported {
    return (type, inputs) => {
        const kind = type.split(":").pop();
        if (kind === "Kustomization") {
            const failed = notReady.includes(inputs.metadata?.name);
            return {
                status: {
                    conditions: [
                        {
                            type: "Ready",
                            status: failed ? "False" : "True",
                            reason: failed ? "HealthCheckFailed" : "ReconciliationSucceeded",
                        },
                    ],
                    ...(!failed && { lastAppliedRevision: HEAD }),
                },
            };
        }
        if (kind === "GitRepository" || kind === "OCIRepository") {
            return { status: { artifact: { revision: HEAD } } };
        }
        if (kind === "Receiver") return { status: { webhookPath: WEBHOOK_PATH } };
        return {};
    };
}
