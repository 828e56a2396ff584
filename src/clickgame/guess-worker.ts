/**
 * The network in the loop, in a Web Worker so the brush never waits for it: loads a registry
 * model once, then classifies each revealed image it is sent.
 */
/// <reference lib="webworker" />
import type { BackendName } from '../inference/backends.js';
import { useBrowserBackend } from '../inference/browser-backends.js';
import { loadClassifier, type Classifier } from '../inference/classifier.js';
import type { GuessMessage, GuessRequest } from './guess-protocol.js';

const post = (message: GuessMessage) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);
let classifier: Promise<Classifier> | null = null;

self.onmessage = async (event: MessageEvent<GuessRequest>) => {
	const request = event.data;
	try {
		if (request.type === 'load') {
			// set at once, so a guess sent while loading waits for it
			classifier = useBrowserBackend(request.backend as BackendName | 'auto').then(async (backend) => {
				const loaded = await loadClassifier(request.entry, request.modelUrl);
				post({ type: 'ready', backend });
				return loaded;
			});
			await classifier;
		} else {
			if (!classifier) throw new Error('the guessing network is not loaded');
			const [prediction] = await (await classifier).classify([request.image]);
			post({ type: 'guess', id: request.id, top: prediction!.top5 });
		}
	} catch (error) {
		post({ type: 'error', message: (error as Error).message });
	}
};
