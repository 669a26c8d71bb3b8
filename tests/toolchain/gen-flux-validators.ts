/**
 * Regenerates stacks/flux-crd-validators.js from stacks/flux-crd-schemas.json (after an ajv
 * upgrade, say); `npm run gen:flux-schemas` does it too, after regenerating the schemas.
 *
 *   npm run gen:flux-validators
 */
import * as fs from "fs";
import * as path from "path";
import { SchemaFile, validatorsSource } from "./flux-validators";

const root = path.resolve(__dirname, "../..");

/** Writes the validators of the committed schemas. */
export function writeValidators(): void {
    const schemas = path.join(root, "stacks/flux-crd-schemas.json");
    const file = JSON.parse(fs.readFileSync(schemas, "utf8")) as SchemaFile;
    const out = path.join(root, "stacks/flux-crd-validators.js");
    fs.writeFileSync(out, validatorsSource(file));
    console.log(`wrote ${path.relative(root, out)}`);
}

if (require.main === module) writeValidators();
