/**
 * Where the trial queue keeps its records in the browser, and what happens when that storage
 * fails: `SafeStorage` wraps localStorage so that no read or write ever throws (a full or blocked
 * storage keeps values in memory and says so as `fault`), `storageNote` tells a person what to do
 * in plain words, and `MemoryStorage` stands in where there is no localStorage (Node).
 */

export interface QueueStorage {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem?(key: string): void;
}

/**
 * What went wrong with the browser's storage: `full` (quota exceeded) or `blocked` (storage
 * refused or missing): values are kept in memory only; `corrupt`: an entry could not be read
 * and what could be parsed of it was kept.
 */
export type StorageFault = 'full' | 'blocked' | 'corrupt';

const isQuotaError = (error: unknown) =>
	error instanceof Error && (error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED' || (error as { code?: number }).code === 22);

/**
 * Storage whose reads and writes never throw. A write the browser refuses (quota exceeded,
 * storage blocked) is kept in memory, so this page still reads it back, and `fault` says so
 * until a later write of that key succeeds.
 */
export class SafeStorage implements QueueStorage {
	private readonly memoryOnly = new Map<string, string>();
	private writeFault: 'full' | 'blocked' | null = null;
	private corrupt = false;

	constructor(private readonly inner: QueueStorage | null) {
		if (!inner) this.writeFault = 'blocked';
	}

	/** The same SafeStorage when given one, so that a session and its queue report one fault. */
	static of(storage: QueueStorage | null): SafeStorage {
		return storage instanceof SafeStorage ? storage : new SafeStorage(storage);
	}

	get fault(): StorageFault | null {
		return this.writeFault ?? (this.corrupt ? 'corrupt' : null);
	}

	getItem(key: string): string | null {
		if (this.memoryOnly.has(key)) return this.memoryOnly.get(key)!;
		try {
			return this.inner?.getItem(key) ?? null;
		} catch {
			this.writeFault ??= 'blocked';
			return null;
		}
	}

	/** Stores the value; false when it is kept in memory only. */
	setItem(key: string, value: string): boolean {
		try {
			if (!this.inner) throw new Error('no storage');
			this.inner.setItem(key, value);
			this.memoryOnly.delete(key);
			if (this.memoryOnly.size === 0) this.writeFault = null;
			return true;
		} catch (error) {
			this.memoryOnly.set(key, value);
			this.writeFault = isQuotaError(error) ? 'full' : 'blocked';
			return false;
		}
	}

	removeItem(key: string): void {
		this.memoryOnly.delete(key);
		if (this.memoryOnly.size === 0 && this.writeFault === 'full') this.writeFault = null;
		try {
			this.inner?.removeItem?.(key);
		} catch {
			// nothing to do: the entry stays, and is ignored or overwritten later
		}
	}

	/** An entry could not be read back as written (reported until the page is reloaded). */
	noteCorrupt(): void {
		this.corrupt = true;
	}
}

/**
 * What to tell a person about a storage fault, in plain words; `what` names their work
 * ("answers", "strokes"). The study page and both ClickMe pages show it.
 */
export function storageNote(fault: StorageFault, what = 'answers'): string {
	const keep = `the page keeps your ${what} in memory and sends them now. Please do not close this tab until it says all ${what} are saved.`;
	switch (fault) {
		case 'full':
			return `Your browser's storage is full: ${keep}`;
		case 'blocked':
			return `Your browser's storage is blocked: ${keep}`;
		case 'corrupt':
			return 'Some progress kept in this browser was damaged. The page kept what it could and asked the server what it already has: you can carry on.';
	}
}

/** localStorage behind a SafeStorage (null inside when the browser refuses access to it). */
export function browserStorage(): SafeStorage {
	try {
		return new SafeStorage(globalThis.localStorage ?? null);
	} catch {
		return new SafeStorage(null);
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
	removeItem(key: string) {
		this.items.delete(key);
	}
}
