/** What the platform's command lines share: how they fail and how they answer --help. */

/** Prints "error: <message>" and exits with status 1. */
export function fail(message: string): never {
	console.error(`error: ${message}`);
	process.exit(1);
}

/** The command (first positional), or the usage text and exit: 0 for --help, 2 without a command. */
export function commandOrUsage(positionals: string[], help: boolean | undefined, usage: string): string {
	const command = positionals[0];
	if (help || !command) {
		console.log(usage);
		process.exit(help ? 0 : 2);
	}
	return command;
}
