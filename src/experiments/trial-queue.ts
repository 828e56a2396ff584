/**
 * A loss-free, idempotent queue of trials (or any records with a client-generated id: the
 * ClickMe game sends its rounds and strokes through it) on their way to the server.
 *  - Every trial is written to persistent storage (localStorage in the browser) before any send,
 *    so a crash, a reload or a closed laptop loses nothing; a new queue on the same storage key
 *    picks up where the last one stopped.
 *  - Single flight: at most one request is in flight per queue, ever. Trials enqueued meanwhile
 *    go in the next send, so a server slower than the trial pace gets fewer, larger batches
 *    instead of the same batch many times at once.
 *  - Sends in batches; each trial has a client-generated id, so resending after a lost reply
 *    comes back "duplicate" and is not stored twice.
 *  - Retries network errors, 408, 409, 425, 429 and 5xx with exponential backoff (initial x
 *    2^(attempt-1), capped, times a jitter in [0.5, 1)), never sooner than the server's
 *    Retry-After (`retryAfterMs` of the error, src/data/client.ts), and at once when the browser
 *    comes back online.
 *  - A whole-batch 4xx that sending again cannot fix is not retried: a batch of several is split
 *    in halves and resent (so one item too large, or one the server cannot parse, is isolated);
 *    a single item is then rejected with the server's reason. 401 / 403 first try a fresh
 *    sign-in (`reauthenticate`), then reject the batch.
 *  - A trial the server rejects (malformed) is kept with its reason, never silently dropped.
 *  - Storage faults never stop the queue (SafeStorage): a corrupt entry keeps what could be
 *    parsed, a full or blocked storage keeps the queue in memory and reports it in `status()`.
 *    Confirmed ids are kept up to a bound (only to skip duplicates; the server is the record).
 */
import type { TrialOutcome, TrialRecord } from '../data/contracts.js';
import { SafeStorage, type QueueStorage, type StorageFault } from './storage.js';

// The queue's storage (its safety net and its fault messages) lives in storage.ts.
export { browserStorage, MemoryStorage, SafeStorage, storageNote, type QueueStorage, type StorageFault } from './storage.js';

interface Identified {
	id: string;
}

export interface RejectedTrial<T extends Identified = TrialRecord> {
	trial: T;
	reason: string;
}

interface QueueState<T extends Identified> {
	pending: T[];
	/** The most recently confirmed ids, at most `keepConfirmedIds`. */
	confirmed: string[];
	/** How many ids were confirmed in all (the list above may be pruned). */
	confirmedCount: number;
	rejected: RejectedTrial<T>[];
}

export interface TrialQueueOptions<T extends Identified = TrialRecord> {
	storage: QueueStorage;
	/** Storage key, one per session. */
	key: string;
	send: (trials: T[]) => Promise<TrialOutcome[]>;
	/** A fresh sign-in, tried once when a send is refused with 401 or 403. */
	reauthenticate?: () => Promise<void>;
	initialDelayMs?: number;
	maxDelayMs?: number;
	batchSize?: number;
	/** Confirmed ids kept to skip duplicates (default 2000, the most recent). */
	keepConfirmedIds?: number;
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
	/** A fault of the browser's storage (see StorageFault), null when none. */
	storage: StorageFault | null;
}

/** Statuses worth sending again: no answer (network, time limit), timeout, conflict, too early, too many, server errors. */
const retryable = (status: number | null) => status === null || status === 0 || status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;

function failure(error: unknown): { message: string; status: number | null; retryAfterMs: number | null } {
	const fields = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; status?: unknown; retryAfterMs?: unknown };
	return {
		message: typeof fields.message === 'string' && fields.message ? fields.message : String(error),
		status: typeof fields.status === 'number' ? fields.status : null,
		retryAfterMs: typeof fields.retryAfterMs === 'number' ? fields.retryAfterMs : null
	};
}

export class TrialQueue<T extends Identified = TrialRecord> {
	private state: QueueState<T>;
	private readonly storage: SafeStorage;
	private attempt = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private inFlight: Promise<void> | null = null;
	private lastError: string | null = null;
	/** No send before this time (backoff or the server's Retry-After). */
	private notBefore = 0;
	/** The server's Retry-After alone: coming back online does not cut it short. */
	private busyUntil = 0;
	/** The largest batch to send now: halved by a batch the server refuses whole, doubled back by a success. */
	private batchLimit: number;
	private reauthenticated = false;
	private readonly onlineListener = () => {
		this.notBefore = this.busyUntil;
		this.retrySoon(0);
	};

	constructor(private readonly options: TrialQueueOptions<T>) {
		this.storage = SafeStorage.of(options.storage);
		this.batchLimit = this.batchSize;
		const { state, corrupt } = readState<T>(this.storage.getItem(options.key));
		this.state = state;
		if (corrupt) {
			this.storage.noteCorrupt();
			this.save();
		}
		if (typeof window !== 'undefined') window.addEventListener('online', this.onlineListener);
	}

	private get batchSize(): number {
		return this.options.batchSize ?? 50;
	}

	status(): QueueStatus {
		return {
			pending: this.state.pending.length,
			confirmed: this.state.confirmedCount,
			rejected: this.state.rejected.length,
			lastError: this.lastError,
			storage: this.storage.fault
		};
	}

	/** Ids the server has confirmed (stored or duplicate), the most recent `keepConfirmedIds`. */
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
		const fresh = new Set(ids);
		this.state.pending = this.state.pending.filter((t) => !fresh.has(t.id));
		this.confirm(fresh);
		this.save();
	}

	/**
	 * One send of up to batchSize pending trials, unless a send is in flight (then it waits for
	 * that one and sends nothing) or the backoff has not passed. Resolves true when nothing is pending.
	 */
	async flush(): Promise<boolean> {
		if (this.inFlight) {
			await this.inFlight;
			return this.state.pending.length === 0;
		}
		if (this.state.pending.length === 0) return true;
		if (Date.now() < this.notBefore) return false;
		this.inFlight = this.sendBatch().finally(() => (this.inFlight = null));
		await this.inFlight;
		return this.state.pending.length === 0;
	}

	/** Keeps sending (with backoff) until nothing is pending or the time runs out. */
	async drain(timeoutMs: number): Promise<boolean> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const wait = this.notBefore - Date.now();
			if (wait > 0 && !this.inFlight) {
				await new Promise((resolve) => setTimeout(resolve, Math.min(wait, Math.max(0, deadline - Date.now()))));
				continue;
			}
			if (await this.flush()) return true;
		}
		return this.state.pending.length === 0;
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		if (typeof window !== 'undefined') window.removeEventListener('online', this.onlineListener);
	}

	/** Stops, and removes the stored queue when nothing in it is still needed (nothing pending or rejected). */
	forget(): void {
		this.stop();
		if (this.state.pending.length === 0 && this.state.rejected.length === 0) this.storage.removeItem(this.options.key);
	}

	private async sendBatch(): Promise<void> {
		const batch = this.state.pending.slice(0, Math.min(this.batchLimit, this.batchSize));
		try {
			const outcomes = await this.options.send(batch);
			const byId = new Map(outcomes.map((o) => [o.id, o]));
			const done = new Set<string>();
			const confirmed: string[] = [];
			for (const trial of batch) {
				const outcome = byId.get(trial.id);
				if (!outcome) continue; // not answered: stays pending
				done.add(trial.id);
				if (outcome.status === 'rejected') this.state.rejected.push({ trial, reason: outcome.reason ?? 'rejected' });
				else confirmed.push(trial.id);
			}
			this.state.pending = this.state.pending.filter((t) => !done.has(t.id));
			this.confirm(confirmed);
			this.reauthenticated = false;
			this.batchLimit = Math.min(this.batchSize, this.batchLimit * 2);
			if (done.size === 0) this.backOff(`the server answered for none of the ${batch.length} items sent`, null);
			else {
				this.attempt = 0;
				this.lastError = null;
				this.notBefore = 0;
			}
		} catch (error) {
			await this.failed(batch, error);
		}
		this.save();
		if (this.state.pending.length) this.retrySoon(0);
	}

	/** A send that failed as a whole: retry later, split the batch, or reject what can never be accepted. */
	private async failed(batch: T[], error: unknown): Promise<void> {
		const { message, status, retryAfterMs } = failure(error);
		if (retryable(status)) return this.backOff(message, retryAfterMs);
		this.lastError = message;
		if ((status === 401 || status === 403) && this.options.reauthenticate && !this.reauthenticated) {
			this.reauthenticated = true;
			await this.options.reauthenticate().catch(() => undefined);
			return; // resend at once, signed in afresh
		}
		if (batch.length > 1 && status !== 401 && status !== 403) {
			this.batchLimit = Math.ceil(batch.length / 2); // resend at once in halves
			return;
		}
		const ids = new Set(batch.map((t) => t.id));
		this.state.pending = this.state.pending.filter((t) => !ids.has(t.id));
		for (const trial of batch) this.state.rejected.push({ trial, reason: `refused (HTTP ${status}): ${message}` });
	}

	private backOff(message: string, retryAfterMs: number | null): void {
		this.attempt++;
		this.lastError = message;
		const now = Date.now();
		const random = this.options.random ?? Math.random;
		// never sooner than the server asked, spread over a quarter more so that clients do not return at once
		const busy = retryAfterMs === null ? 0 : retryAfterMs * (1 + random() / 4);
		this.busyUntil = retryAfterMs === null ? 0 : now + retryAfterMs;
		this.notBefore = now + Math.max(this.delay(), busy);
	}

	private confirm(ids: Iterable<string>): void {
		const known = new Set(this.state.confirmed);
		for (const id of ids) {
			if (known.has(id)) continue;
			known.add(id);
			this.state.confirmed.push(id);
			this.state.confirmedCount++;
		}
		const keep = this.options.keepConfirmedIds ?? 2000;
		if (this.state.confirmed.length > keep) this.state.confirmed = this.state.confirmed.slice(-keep);
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
		this.timer = setTimeout(
			() => {
				this.timer = null;
				void this.flush();
			},
			Math.max(delayMs, this.notBefore - Date.now(), 0)
		);
	}

	/** Writes the state; when the storage is full, again without confirmed ids (the server holds those). */
	private save(): void {
		if (!this.storage.setItem(this.options.key, JSON.stringify(this.state))) {
			this.storage.setItem(this.options.key, JSON.stringify({ ...this.state, confirmed: [] }));
		}
		this.options.onChange?.(this.status());
	}
}

const isIdentified = (value: unknown): value is Identified =>
	typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Identified).id === 'string';
const isRejected = (value: unknown): value is RejectedTrial<Identified> =>
	typeof value === 'object' && value !== null && isIdentified((value as RejectedTrial<Identified>).trial) && typeof (value as RejectedTrial<Identified>).reason === 'string';

/**
 * A stored queue, or what can be recovered of a damaged one: the valid items of each list. Text
 * that is not JSON (cut off, overwritten) is read item by item (salvageArray).
 */
export function readState<T extends Identified>(text: string | null): { state: QueueState<T>; corrupt: boolean } {
	const empty: QueueState<T> = { pending: [], confirmed: [], confirmedCount: 0, rejected: [] };
	if (text === null || text === '') return { state: empty, corrupt: false };
	let parsed: Record<string, unknown>;
	let corrupt = false;
	try {
		const value: unknown = JSON.parse(text);
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return { state: empty, corrupt: true };
		parsed = value as Record<string, unknown>;
	} catch {
		corrupt = true;
		parsed = { pending: salvageArray(text, 'pending'), confirmed: salvageArray(text, 'confirmed'), rejected: salvageArray(text, 'rejected') };
	}
	const list = (name: string): unknown[] => {
		if (Array.isArray(parsed[name])) return parsed[name] as unknown[];
		corrupt = true;
		return [];
	};
	const pending = list('pending');
	const confirmed = list('confirmed');
	const rejected = list('rejected');
	const state: QueueState<T> = {
		pending: pending.filter(isIdentified) as T[],
		confirmed: confirmed.filter((id): id is string => typeof id === 'string'),
		confirmedCount: 0,
		rejected: rejected.filter(isRejected) as RejectedTrial<T>[]
	};
	if (state.pending.length < pending.length || state.confirmed.length < confirmed.length || state.rejected.length < rejected.length) corrupt = true;
	const count = parsed.confirmedCount;
	state.confirmedCount = typeof count === 'number' && Number.isInteger(count) && count >= state.confirmed.length ? count : state.confirmed.length;
	return { state, corrupt };
}

/**
 * The elements of the array under `"name":[` in damaged JSON that still parse on their own: the
 * scanner tracks strings and nesting to find where each element ends, keeps each that
 * JSON.parse accepts, and stops at the end of the array or of the text.
 */
function salvageArray(text: string, name: string): unknown[] {
	const start = text.indexOf(`"${name}":[`);
	if (start < 0) return [];
	const values: unknown[] = [];
	let depth = 0;
	let inString = false;
	let from = start + name.length + 4;
	for (let i = from; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
			continue;
		}
		if (c === '"') inString = true;
		else if (c === '{' || c === '[') depth++;
		else if ((c === ',' || c === ']') && depth === 0) {
			try {
				if (text.slice(from, i).trim()) values.push(JSON.parse(text.slice(from, i)));
			} catch {
				// this element is damaged: skip it
			}
			if (c === ']') break;
			from = i + 1;
		} else if (c === '}' || c === ']') depth--;
		if (depth < 0) break;
	}
	return values;
}
