/**
 * Per-IP token buckets for the auth endpoints worth abusing: anonymous sign-up (each one a new
 * user row) and password sign-in (password guessing). A bucket holds up to `burst` tokens and
 * refills at `perMinute` per minute; a request takes one or is answered 429 with Retry-After
 * (the seconds until the next token: ceil(60 / perMinute)).
 *
 * Loopback (127.0.0.0/8, ::1) is exempt unless `limitLoopback`: it is this machine's own tests,
 * load benchmark and e2e runs. Behind a reverse proxy on the same machine every client looks
 * like loopback: pass --rate-limit-loopback there. X-Forwarded-For is not trusted.
 */
export interface RateLimit {
	perMinute: number;
	burst: number;
}

export interface RateLimits {
	/** Anonymous sign-ups per IP; null: no limit. */
	anonymousSignUp: RateLimit | null;
	/** Password sign-ins per IP, failed or not; null: no limit. */
	signIn: RateLimit | null;
	/** Limit loopback clients too (default false). */
	limitLoopback: boolean;
}

/**
 * Defaults: a classroom behind one NAT address may start 60 participants at once; a person
 * signing in needs a few tries, a password guesser thousands.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
	anonymousSignUp: { perMinute: 60, burst: 60 },
	signIn: { perMinute: 10, burst: 10 },
	limitLoopback: false
};

export function isLoopback(address: string | undefined): boolean {
	if (!address) return false;
	const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
	return v4 === '::1' || v4.startsWith('127.');
}

export class TokenBuckets {
	private readonly buckets = new Map<string, { tokens: number; at: number }>();

	constructor(readonly limit: RateLimit) {}

	/** Takes a token for `key`: null when granted, else the seconds until the next one. */
	take(key: string, now = Date.now()): number | null {
		const perMs = this.limit.perMinute / 60_000;
		const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
		bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.at) * perMs);
		bucket.at = now;
		this.buckets.set(key, bucket);
		if (this.buckets.size > 10_000) this.prune(now);
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			return null;
		}
		return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
	}

	/** Forgets the buckets that have refilled (they are as good as new). */
	private prune(now: number) {
		const perMs = this.limit.perMinute / 60_000;
		for (const [key, bucket] of this.buckets) {
			if (bucket.tokens + (now - bucket.at) * perMs >= this.limit.burst) this.buckets.delete(key);
		}
	}
}

/**
 * Rate limits from command-line values: `perMinute` 0 turns a limit off, undefined keeps the
 * default; the burst is a minute's worth.
 */
export function rateLimitsFromOptions(options: { signUpsPerMinute?: number; signInsPerMinute?: number; limitLoopback?: boolean }): Partial<RateLimits> {
	const limit = (perMinute: number | undefined, fallback: RateLimit | null) =>
		perMinute === undefined ? fallback : perMinute === 0 ? null : { perMinute, burst: perMinute };
	return {
		anonymousSignUp: limit(options.signUpsPerMinute, DEFAULT_RATE_LIMITS.anonymousSignUp),
		signIn: limit(options.signInsPerMinute, DEFAULT_RATE_LIMITS.signIn),
		limitLoopback: options.limitLoopback ?? false
	};
}
