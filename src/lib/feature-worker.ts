/// <reference lib="webworker" />
/**
 * Feature alignment off the page's main thread: the dashboard posts people's maps and one
 * model's maps; the worker answers with featureReport's result (or the error), which compares
 * the images with both maps and lists the others, exactly as `npm run analyze -- features` does.
 */
import { featureReport, type FeatureMap, type FeatureReport, type HumanFeatureMap } from '$analysis/index.js';

export interface FeatureJob {
	humans: Record<string, HumanFeatureMap>;
	models: Record<string, FeatureMap>;
}
export type FeatureAnswer = { report: FeatureReport } | { error: string };

self.onmessage = (event: MessageEvent<FeatureJob>) => {
	try {
		self.postMessage({ report: featureReport(event.data.humans, event.data.models) } satisfies FeatureAnswer);
	} catch (error) {
		self.postMessage({ error: (error as Error).message } satisfies FeatureAnswer);
	}
};
