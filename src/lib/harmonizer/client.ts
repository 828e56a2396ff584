/** Starts the harmonizer's Web Worker from the page: events in, stop and save out. */
import type { ModelEntry } from '../../inference/registry.js';
import type { HarmonizeMessage, HarmonizeRequest } from './protocol.js';

export interface HarmonizeWorker {
	stop(): void;
	/** Saves the trained model under the entry's IndexedDB key; resolves once it is stored. */
	save(entry: ModelEntry): Promise<ModelEntry>;
	terminate(): void;
}

export function startHarmonizer(request: Extract<HarmonizeRequest, { type: 'start' }>, onMessage: (message: HarmonizeMessage) => void): HarmonizeWorker {
	const worker = new Worker(new URL('./harmonize-worker.ts', import.meta.url), { type: 'module' });
	let saving: { resolve: (entry: ModelEntry) => void; reject: (error: Error) => void } | null = null;
	worker.onmessage = (event: MessageEvent<HarmonizeMessage>) => {
		const message = event.data;
		if (message.type === 'saved') saving?.resolve(message.entry);
		else if (message.type === 'error' && saving) saving.reject(new Error(message.message));
		if (message.type === 'saved' || (message.type === 'error' && saving)) saving = null;
		onMessage(message);
	};
	worker.onerror = (event) => onMessage({ type: 'error', message: event.message || 'the harmonizer worker failed' });
	worker.postMessage(request);
	return {
		stop: () => worker.postMessage({ type: 'stop' } satisfies HarmonizeRequest),
		save: (entry) =>
			new Promise<ModelEntry>((resolve, reject) => {
				saving = { resolve, reject };
				worker.postMessage({ type: 'save', entry } satisfies HarmonizeRequest);
			}),
		terminate: () => worker.terminate()
	};
}
