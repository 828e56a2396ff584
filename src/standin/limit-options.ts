/**
 * The stand-in's limits as command-line options, in one place for `npm run standin` and
 * `npm start`: the parseArgs table, the usage lines, and the parser into `startLocalStandin`'s
 * `limits` (admission.ts) and `rateLimits` (rate-limit.ts). Defaults live in those two modules.
 */
import { fail, numberOption, NUMBER_RULES } from '../lib/command-line.js';
import type { AdmissionLimits } from './admission.js';
import { rateLimitsFromOptions, type RateLimits } from './rate-limit.js';

export const LIMIT_OPTIONS = {
	'max-queue': { type: 'string' },
	'request-timeout-ms': { type: 'string' },
	'pool-size': { type: 'string' },
	'signups-per-minute': { type: 'string' },
	'sign-ins-per-minute': { type: 'string' },
	'rate-limit-loopback': { type: 'boolean', default: false }
} as const;

export const LIMIT_USAGE = `  --max-queue N            requests that may wait for the database; the next gets 503 + Retry-After
                           (default 100 on PGlite, 400 on PostgreSQL)
  --request-timeout-ms MS  time limit of one request, waiting included (default 10000)
  --pool-size N            PostgreSQL connections, i.e. requests that run at once (default 8)
  --signups-per-minute N   anonymous sign-ups per client IP (default 60; 0: no limit)
  --sign-ins-per-minute N  password sign-ins per client IP (default 10; 0: no limit)
  --rate-limit-loopback    limit 127.0.0.1 and ::1 too (behind a reverse proxy on this machine)`;

type LimitValues = { [K in keyof typeof LIMIT_OPTIONS]?: (typeof LIMIT_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The limits the options ask for (absent ones keep their defaults); a bad value stops with its rule. */
export function limitsFromOptions(values: LimitValues, databaseUrl: string | undefined): { limits: Partial<AdmissionLimits>; rateLimits: Partial<RateLimits> } {
	const concurrency = numberOption('pool-size', values['pool-size'], ...NUMBER_RULES.positiveInteger);
	if (concurrency !== undefined && !databaseUrl) fail('--pool-size is for --database-url: the embedded PGlite has one connection');
	return {
		limits: {
			maxQueue: numberOption('max-queue', values['max-queue'], ...NUMBER_RULES.nonNegativeInteger),
			timeoutMs: numberOption('request-timeout-ms', values['request-timeout-ms'], ...NUMBER_RULES.positiveInteger),
			concurrency
		},
		rateLimits: rateLimitsFromOptions({
			signUpsPerMinute: numberOption('signups-per-minute', values['signups-per-minute'], ...NUMBER_RULES.nonNegativeInteger),
			signInsPerMinute: numberOption('sign-ins-per-minute', values['sign-ins-per-minute'], ...NUMBER_RULES.nonNegativeInteger),
			limitLoopback: values['rate-limit-loopback']
		})
	};
}
