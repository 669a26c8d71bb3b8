/**
 * Writes docs/configuration.md from the config schemas (stacks/reference.ts):
 *
 *   npm run gen:config-docs
 *
 * tests/doc-config.spec.ts fails while the committed file differs from what this writes.
 */
import * as fs from "fs";
import * as path from "path";
import { configReference } from "../../stacks/reference";

fs.writeFileSync(path.join(__dirname, "../../docs/configuration.md"), configReference());
