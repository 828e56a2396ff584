/** The dashboard's handle on clickme-worker.ts: an Aggregator (build-maps.ts) that runs in a worker. */
import type { Aggregator } from '$clickgame/build-maps.js';
import type { ClickmeAggregate } from '$clickgame/aggregate.js';
import type { ClickmeAnswer, ClickmeJob } from './clickme-worker.js';

export const aggregateInWorker: Aggregator = (rounds, sizes, options, onProgress) => {
	const worker = new Worker(new URL('./clickme-worker.ts', import.meta.url), { type: 'module' });
	return new Promise<ClickmeAggregate>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<ClickmeAnswer>) => {
			const answer = event.data;
			if ('progress' in answer) onProgress?.(answer.progress.done, answer.progress.total);
			else if ('result' in answer) resolve(answer.result);
			else reject(new Error(answer.error));
		};
		worker.onerror = (event) => reject(new Error(event.message || 'the ClickMe aggregation worker failed'));
		worker.postMessage({ rounds: [...rounds], sizes: [...sizes], options } satisfies ClickmeJob);
	}).finally(() => worker.terminate());
};
