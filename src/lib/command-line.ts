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

/**
 * A numeric option: undefined when not given, else the number, or "error: --NAME must be RULE"
 * and exit when it is empty, not a number or fails `check`.
 */
export function numberOption(name: string, text: string | undefined, check: (x: number) => boolean, rule: string): number | undefined {
	if (text === undefined) return undefined;
	const x = Number(text);
	if (text.trim() === '' || !check(x)) fail(`--${name} must be ${rule} (got "${text}")`);
	return x;
}

type Rule = readonly [check: (x: number) => boolean, rule: string];

/** Rules the command lines share, for `numberOption(name, text, ...NUMBER_RULES.port)`. */
export const NUMBER_RULES = {
	nonNegativeInteger: [(x: number) => Number.isInteger(x) && x >= 0, 'a non-negative integer'],
	positiveInteger: [(x: number) => Number.isInteger(x) && x >= 1, 'a positive integer'],
	port: [(x: number) => Number.isInteger(x) && x >= 1 && x <= 65535, 'a port number from 1 to 65535']
} as const satisfies Record<string, Rule>;
