/** The dashboard's handle on feature-worker.ts: one worker per comparison, closed when done. */
import type { FeatureMap, FeatureReport, HumanFeatureMap } from '$analysis/index.js';
import type { FeatureAnswer, FeatureJob } from './feature-worker.js';

export function featureReportInWorker(humans: Record<string, HumanFeatureMap>, models: Record<string, FeatureMap>): Promise<FeatureReport> {
	const worker = new Worker(new URL('./feature-worker.ts', import.meta.url), { type: 'module' });
	return new Promise<FeatureReport>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<FeatureAnswer>) => ('report' in event.data ? resolve(event.data.report) : reject(new Error(event.data.error)));
		worker.onerror = (event) => reject(new Error(event.message || 'the feature-alignment worker failed'));
		worker.postMessage({ humans, models } satisfies FeatureJob);
	}).finally(() => worker.terminate());
}
