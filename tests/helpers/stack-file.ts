import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** The `config:` map of a stack file as it is on disk, keyed by full config key. */
export function readStackFile(stack: string): Record<string, unknown> {
    const file = path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    const config = doc.config ?? {};
    for (const [k, v] of Object.entries(config)) {
        if (typeof v === "object" && v !== null && "secure" in v) {
            throw new Error(`${file}: ${k} holds an encrypted secret; stack files must not`);
        }
    }
    return config;
}
