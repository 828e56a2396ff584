/**
 * A loss-free, idempotent queue of trials (or any records with a client-generated id: the
 * ClickMe game sends its rounds and strokes through it) on their way to the server.
 *  - Every trial is written to persistent storage (localStorage in the browser) before any send,
 *    so a crash, a reload or a closed laptop loses nothing; a new queue on the same storage key
 *    picks up where the last one stopped.
 *  - Sends in batches; each trial has a client-generated id, so resending after a lost reply
 *    comes back "duplicate" and is not stored twice.
 *  - Retries with exponential backoff (initial x 2^attempt, capped, with jitter) and at once
 *    when the browser comes back online.
 *  - A trial the server rejects (malformed) is kept with its reason, never silently dropped.
 */
import type { TrialOutcome, TrialRecord } from '../data/contracts.js';

interface Identified {
	id: string;
}

export interface QueueStorage {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
}

export interface RejectedTrial<T extends Identified = TrialRecord> {
	trial: T;
	reason: string;
}

interface QueueState<T extends Identified> {
	pending: T[];
	confirmed: string[];
	rejected: RejectedTrial<T>[];
}

export interface TrialQueueOptions<T extends Identified = TrialRecord> {
	storage: QueueStorage;
	/** Storage key, one per session. */
	key: string;
	send: (trials: T[]) => Promise<TrialOutcome[]>;
	initialDelayMs?: number;
	maxDelayMs?: number;
	batchSize?: number;
	random?: () => number;
	/** Called whenever the counts change (for a "saving..." indicator). */
	onChange?: (status: QueueStatus) => void;
}

export interface QueueStatus {
	pending: number;
	confirmed: number;
	rejected: number;
	/** The last send failure, null after a success. */
	lastError: string | null;
}

export class TrialQueue<T extends Identified = TrialRecord> {
	private state: QueueState<T>;
	private attempt = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private inFlight: Promise<void> | null = null;
	private lastError: string | null = null;
	private readonly onlineListener = () => this.retrySoon(0);

	constructor(private readonly options: TrialQueueOptions<T>) {
		const saved = options.storage.getItem(options.key);
		this.state = saved ? (JSON.parse(saved) as QueueState<T>) : { pending: [], confirmed: [], rejected: [] };
		if (typeof window !== 'undefined') window.addEventListener('online', this.onlineListener);
	}

	status(): QueueStatus {
		return { pending: this.state.pending.length, confirmed: this.state.confirmed.length, rejected: this.state.rejected.length, lastError: this.lastError };
	}

	/** Ids the server has confirmed (stored or duplicate). */
	confirmedIds(): ReadonlySet<string> {
		return new Set(this.state.confirmed);
	}

	/** Ids known to this browser: confirmed or still waiting to be sent. */
	knownIds(): ReadonlySet<string> {
		return new Set([...this.state.confirmed, ...this.state.pending.map((t) => t.id), ...this.state.rejected.map((r) => r.trial.id)]);
	}

	rejected(): readonly RejectedTrial<T>[] {
		return this.state.rejected;
	}

	/** Stores the trial, then tries to send it. */
	enqueue(trial: T): void {
		if (this.knownIds().has(trial.id)) return;
		this.state.pending.push(trial);
		this.save();
		this.retrySoon(0);
	}

	/** Marks ids the server already holds (e.g. read back on resume). */
	markConfirmed(ids: Iterable<string>): void {
		const confirmed = new Set(this.state.confirmed);
		for (const id of ids) confirmed.add(id);
		this.state.pending = this.state.pending.filter((t) => !confirmed.has(t.id));
		this.state.confirmed = [...confirmed];
		this.save();
	}

	/** One send attempt of up to batchSize pending trials. Resolves true when nothing is pending. */
	async flush(): Promise<boolean> {
		if (this.inFlight) await this.inFlight;
		if (this.state.pending.length === 0) return true;
		this.inFlight = this.sendBatch();
		try {
			await this.inFlight;
		} finally {
			this.inFlight = null;
		}
		return this.state.pending.length === 0;
	}

	/** Keeps sending (with backoff) until nothing is pending or the time runs out. */
	async drain(timeoutMs: number): Promise<boolean> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (await this.flush()) return true;
			if (this.lastError === null) continue; // a full batch went through: send the next at once
			await new Promise((resolve) => setTimeout(resolve, Math.min(this.delay(), Math.max(0, deadline - Date.now()))));
		}
		return this.state.pending.length === 0;
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		if (typeof window !== 'undefined') window.removeEventListener('online', this.onlineListener);
	}

	private async sendBatch(): Promise<void> {
		const batch = this.state.pending.slice(0, this.options.batchSize ?? 50);
		try {
			const outcomes = await this.options.send(batch);
			const byId = new Map(outcomes.map((o) => [o.id, o]));
			const done = new Set<string>();
			for (const trial of batch) {
				const outcome = byId.get(trial.id);
				if (!outcome) continue; // not answered: stays pending
				done.add(trial.id);
				if (outcome.status === 'rejected') this.state.rejected.push({ trial, reason: outcome.reason ?? 'rejected' });
				else this.state.confirmed.push(trial.id);
			}
			this.state.pending = this.state.pending.filter((t) => !done.has(t.id));
			this.attempt = 0;
			this.lastError = null;
		} catch (error) {
			this.attempt++;
			this.lastError = (error as Error).message || String(error);
		}
		this.save();
		if (this.state.pending.length) this.retrySoon(this.lastError ? this.delay() : 0);
	}

	/** initial x 2^(attempt-1), capped at max, times a jitter in [0.5, 1). */
	private delay(): number {
		const initial = this.options.initialDelayMs ?? 1000;
		const max = this.options.maxDelayMs ?? 30_000;
		const random = this.options.random ?? Math.random;
		return Math.min(max, initial * 2 ** Math.max(0, this.attempt - 1)) * (0.5 + random() / 2);
	}

	private retrySoon(delayMs: number): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = null;
			void this.flush();
		}, delayMs);
	}

	private save(): void {
		this.options.storage.setItem(this.options.key, JSON.stringify(this.state));
		this.options.onChange?.(this.status());
	}
}

/** In-memory storage, for Node (CLIs, tests) where there is no localStorage. */
export class MemoryStorage implements QueueStorage {
	private readonly items = new Map<string, string>();
	getItem(key: string) {
		return this.items.get(key) ?? null;
	}
	setItem(key: string, value: string) {
		this.items.set(key, value);
	}
}
