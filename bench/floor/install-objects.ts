/**
 * Writes, as JSON on stdout, the install objects the program declares for a stack of the project
 * this file sits in (`bench/floor/install-objects.ts <stack>`), for the floor to declare as
 * constants. Built once, at bench time, by the program's own code, so the floor declares the
 * same objects without paying for reading, parsing and transforming the manifest on every
 * preview: that work is part of what the benchmark charges to the program.
 */
import * as path from "path";
import { loadOfflineStack } from "../../cli/stack-config";
import { withAppliedToken } from "../../flux/install";
import { buildInstall } from "../../prepare/install";

async function main(stack: string): Promise<void> {
    const offline = await loadOfflineStack(stack);
    const built = await buildInstall(offline.parsed.flux, { baseDir: path.dirname(offline.file) });
    if (built.objects === undefined) {
        throw new Error(
            built.problems.map((p) => `${p.key}: ${p.value}, expected ${p.expected}`).join("\n"),
        );
    }
    // As FluxInstall hands them to the provider.
    process.stdout.write(JSON.stringify(built.objects.map(withAppliedToken)));
}

main(process.argv[2] ?? "prod").catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
});
