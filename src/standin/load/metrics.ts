/**
 * What the load benchmark counts on the client side: every data call's latency and, when it
 * failed, its cause; the outcomes `record_trials` (or `clickme_record`) answered per item.
 * Pure bookkeeping, no I/O.
 */
import { DataError } from '../../data/index.js';

/** The data calls a simulated participant makes, by the API function they reach. */
export type CallKind = 'get_study' | 'sign_in' | 'start_session' | 'record_trials' | 'complete_session' | 'clickme_join' | 'clickme_next_images' | 'clickme_record';

export interface CallFigures {
	ok: number;
	failed: number;
	/** Failures by cause (see `causeOf`). */
	causes: Record<string, number>;
	/** Milliseconds of the calls that got an answer (ok or an HTTP error). */
	latencies: number[];
}

export interface Outcomes {
	stored: number;
	duplicate: number;
	rejected: number;
	/** Items sent but absent from the answer (they stay pending in the queue). */
	unanswered: number;
}

/**
 * The cause of a failed call, coarse enough to count: an HTTP status with the server's code (and
 * "busy" for the stand-in's 503 answer), or "network: ..." when no HTTP answer came (supabase-js
 * reports a failed fetch with status 0: connection refused, reset or dropped).
 */
export function causeOf(error: unknown): string {
	if (error instanceof DataError) {
		if (!error.status) return `network: ${error.message.replace(/^TypeError: /, '')}`;
		if (error.status === 503) return `HTTP 503 ${error.code ?? ''} (busy)`.replace('  ', ' ');
		return `HTTP ${error.status}${error.code ? ` ${error.code}` : ''}${error.hint ? ` (${error.hint})` : ''}`;
	}
	const e = error as Error;
	return `${e?.name ?? 'Error'}: ${String(e?.message ?? error).slice(0, 80)}`;
}

/** Nearest-rank percentile of `values` (q in [0, 100]); null for none. */
export function percentile(values: readonly number[], q: number): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((q / 100) * sorted.length));
	return sorted[Math.min(sorted.length, rank) - 1]!;
}

export class Metrics {
	readonly calls = new Map<CallKind, CallFigures>();
	readonly outcomes: Outcomes = { stored: 0, duplicate: 0, rejected: 0, unanswered: 0 };
	/** Items put into `record_trials` / `clickme_record` calls, resends included. */
	itemsSent = 0;
	/** Calls started and not yet settled. */
	inFlight = 0;
	/** One example message per cause, for the report. */
	readonly examples = new Map<string, string>();

	private figures(kind: CallKind): CallFigures {
		let f = this.calls.get(kind);
		if (!f) this.calls.set(kind, (f = { ok: 0, failed: 0, causes: {}, latencies: [] }));
		return f;
	}

	/** Runs one data call, timing it and counting its failure (rethrown, for the caller to handle as the app does). */
	async timed<T>(kind: CallKind, call: () => Promise<T>): Promise<T> {
		const f = this.figures(kind);
		const started = performance.now();
		this.inFlight++;
		try {
			const result = await call();
			f.ok++;
			f.latencies.push(performance.now() - started);
			return result;
		} catch (error) {
			const cause = causeOf(error);
			f.failed++;
			f.causes[cause] = (f.causes[cause] ?? 0) + 1;
			if (!this.examples.has(cause)) this.examples.set(cause, (error as Error)?.message ?? String(error));
			// an HTTP answer is a latency too; a network failure is not
			if (error instanceof DataError && error.status) f.latencies.push(performance.now() - started);
			throw error;
		} finally {
			this.inFlight--;
		}
	}

	/** Counts the answer to a batch of `sent` items (counted in `itemsSent` when sent). */
	countOutcomes(sent: readonly { id: string }[], outcomes: readonly { id: string; status: string }[]): void {
		const answered = new Set<string>();
		for (const o of outcomes) {
			answered.add(o.id);
			if (o.status === 'stored' || o.status === 'duplicate' || o.status === 'rejected') this.outcomes[o.status]++;
		}
		this.outcomes.unanswered += sent.filter((s) => !answered.has(s.id)).length;
	}

	failedCalls(): number {
		return [...this.calls.values()].reduce((n, f) => n + f.failed, 0);
	}
}
