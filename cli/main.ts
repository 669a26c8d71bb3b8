/**
 * The commands of this folder, by the name cli/run.js is given first:
 * `node cli/run.js render --stack prod`. Loading this module runs the command.
 */
import { runMain } from "./args";
import { command as preflight } from "./preflight";
import { command as render } from "./render";
import { command as takeover } from "./takeover";

const COMMANDS = { render, preflight, takeover };

const [name, ...args] = process.argv.slice(2);
if (Object.hasOwn(COMMANDS, name)) {
    const command = COMMANDS[name as keyof typeof COMMANDS];
    runMain(command.usage, () => command.main(args));
} else {
    process.stderr.write(`usage: node cli/run.js <${Object.keys(COMMANDS).join("|")}> [flags]\n`);
    process.exitCode = 2;
}
