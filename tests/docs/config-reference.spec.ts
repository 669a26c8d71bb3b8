import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { configReference } from "../../stacks/reference";
import { PROJECT_DIR } from "../helpers/stack-file";

/** docs/configuration.md is generated from the config schemas; a stale copy fails here. */
describe("docs/configuration.md", () => {
    it("is what `npm run gen:config-docs` writes from the schemas", () => {
        const committed = fs.readFileSync(path.join(PROJECT_DIR, "docs/configuration.md"), "utf8");
        expect(committed, "run `npm run gen:config-docs` and commit the result").to.equal(
            configReference(),
        );
    });
});
