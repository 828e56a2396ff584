/**
 * Admission control for one database: at most `concurrency` requests run at once, at most
 * `maxQueue` wait for their turn, and the next one is refused at once with the busy answer
 * (503 + Retry-After, see errors.ts busyError) instead of waiting behind the others for minutes.
 * A request that waits past its deadline leaves the queue with the same busy answer: nothing of
 * it ran, so a retry is safe.
 *
 * Retry-After is the time the queue ahead needs to drain:
 *   retryAfter = ceil((waiting + running) * meanServiceMs / concurrency / 1000) s, from 1 to 30,
 * where meanServiceMs is an exponentially weighted mean (weight 0.1 per request) of the time a
 * request held its turn.
 */
import { busyError } from './errors.js';

export interface AdmissionLimits {
	/** Requests that run at once: 1 on PGlite (one connection), the pool size on PostgreSQL. */
	concurrency: number;
	/** Requests that may wait for a turn; one more is refused with the busy answer. */
	maxQueue: number;
	/** Time limit of one request, waiting and running together, in ms. */
	timeoutMs: number;
}

/**
 * Defaults per engine. PGlite serves one statement at a time at a few ms each, so 100 waiting
 * requests already mean about half a second of queue; PostgreSQL's pool works 8 at once.
 */
export const DEFAULT_LIMITS: Record<'pglite' | 'postgres', AdmissionLimits> = {
	pglite: { concurrency: 1, maxQueue: 100, timeoutMs: 10_000 },
	postgres: { concurrency: 8, maxQueue: 400, timeoutMs: 10_000 }
};

interface Waiter {
	deadline: number;
	grant(): void;
	refuse(): void;
	timer: NodeJS.Timeout;
}

export class Admission {
	private running = 0;
	private readonly waiting: Waiter[] = [];
	private meanServiceMs = 10;

	constructor(readonly limits: AdmissionLimits) {
		for (const [name, value] of Object.entries(limits)) {
			if (!Number.isInteger(value) || value < (name === 'maxQueue' ? 0 : 1)) {
				throw new Error(`admission limit ${name} must be a ${name === 'maxQueue' ? 'non-negative' : 'positive'} integer (got ${value})`);
			}
		}
	}

	/** Seconds until the queue ahead has drained, for Retry-After (formula above). */
	retryAfterSeconds(): number {
		const ahead = this.waiting.length + this.running;
		const seconds = Math.ceil((ahead * this.meanServiceMs) / this.limits.concurrency / 1000);
		return Math.min(30, Math.max(1, seconds));
	}

	/** Waits for a turn (or throws the busy answer); returns the function that gives the turn back. */
	enter(deadline: number): Promise<() => void> {
		if (this.running < this.limits.concurrency && this.waiting.length === 0) return Promise.resolve(this.take());
		if (this.waiting.length >= this.limits.maxQueue) {
			return Promise.reject(busyError(this.retryAfterSeconds(),
				`${this.waiting.length} requests are already waiting for the database (--max-queue ${this.limits.maxQueue}).`));
		}
		return new Promise((resolve, reject) => {
			const refuse = () => {
				clearTimeout(waiter.timer);
				reject(busyError(this.retryAfterSeconds(),
					`The request waited ${this.limits.timeoutMs} ms for the database without its turn (--request-timeout-ms).`));
			};
			const waiter: Waiter = {
				deadline,
				grant: () => {
					clearTimeout(waiter.timer);
					resolve(this.take());
				},
				refuse,
				timer: setTimeout(() => {
					this.waiting.splice(this.waiting.indexOf(waiter), 1);
					refuse();
				}, Math.max(0, deadline - Date.now()))
			};
			this.waiting.push(waiter);
		});
	}

	private take(): () => void {
		this.running++;
		const started = Date.now();
		let given = false;
		return () => {
			if (given) return;
			given = true;
			this.running--;
			this.meanServiceMs = 0.9 * this.meanServiceMs + 0.1 * (Date.now() - started);
			// A waiter past its deadline whose timer has not run yet (the thread was busy) is refused, not started.
			let next = this.waiting.shift();
			while (next && Date.now() > next.deadline) {
				next.refuse();
				next = this.waiting.shift();
			}
			next?.grant();
		};
	}
}
