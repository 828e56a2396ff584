/** The page's side of the neural-predictivity worker: one worker kept for the page's life, so its feature cache lasts. */
import type { AnalyseRequest, NeuralMessage } from './protocol.js';

let worker: Worker | null = null;

/** Starts an analysis; `onMessage` hears every message until done, cancelled or error. */
export function analyseInWorker(request: AnalyseRequest, onMessage: (message: NeuralMessage) => void): { cancel: () => void } {
	worker ??= new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
	const w = worker;
	w.onmessage = (event: MessageEvent<NeuralMessage>) => onMessage(event.data);
	w.onerror = (event) => onMessage({ type: 'error', message: event.message || 'the analysis worker failed' });
	w.postMessage(request);
	return { cancel: () => w.postMessage({ type: 'cancel' }) };
}
