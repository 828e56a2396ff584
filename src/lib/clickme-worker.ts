/// <reference lib="webworker" />
/**
 * ClickMe aggregation off the page's main thread (1000 split-halves per image take seconds): the
 * dashboard posts the rounds, the image sizes and the options; the worker posts progress per
 * image, then the aggregate (or the error).
 */
import { aggregateClickme, type AggregationOptions, type ClickmeAggregate, type ImageSize, type StoredRound } from '$clickgame/aggregate.js';

export interface ClickmeJob {
	rounds: StoredRound[];
	sizes: [string, ImageSize][];
	options: AggregationOptions;
}
export type ClickmeAnswer = { progress: { done: number; total: number } } | { result: ClickmeAggregate } | { error: string };

self.onmessage = (event: MessageEvent<ClickmeJob>) => {
	try {
		const { rounds, sizes, options } = event.data;
		const result = aggregateClickme(rounds, new Map(sizes), options, (done, total) => self.postMessage({ progress: { done, total } } satisfies ClickmeAnswer));
		self.postMessage({ result } satisfies ClickmeAnswer);
	} catch (error) {
		self.postMessage({ error: (error as Error).message } satisfies ClickmeAnswer);
	}
};
