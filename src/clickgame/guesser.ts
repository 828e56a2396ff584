/**
 * The page's handle on the guessing worker. Guesses are coalesced: while one is being computed,
 * only the newest request waits (older ones are dropped), so the network follows the brush
 * without a backlog.
 */
import type { ClassScore } from '../inference/classes.js';
import type { ModelEntry } from '../inference/registry.js';
import type { RgbImage } from '../stimuli/image.js';
import type { GuessMessage, GuessRequest } from './guess-protocol.js';

/** The network's guess: its top classes (the game asks for classes, not a task's answer). */
export interface Guess {
	top: ClassScore[];
}

export interface Guesser {
	/** Resolves with the backend once the model is loaded. */
	ready: Promise<string>;
	/** Asks for a guess; `onGuess` gets it (or nothing, when a newer request replaced this one). */
	request(image: RgbImage): void;
	dispose(): void;
}

export function startGuesser(entry: ModelEntry, modelUrl: string, backend: string, onGuess: (guess: Guess, image: RgbImage) => void, onError: (message: string) => void): Guesser {
	const worker = new Worker(new URL('./guess-worker.ts', import.meta.url), { type: 'module' });
	let nextId = 0;
	let busy: { id: number; image: RgbImage } | null = null;
	let waiting: RgbImage | null = null;
	const send = (image: RgbImage) => {
		busy = { id: ++nextId, image };
		worker.postMessage({ type: 'guess', id: busy.id, image } satisfies GuessRequest);
	};
	const ready = new Promise<string>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<GuessMessage>) => {
			const message = event.data;
			if (message.type === 'ready') resolve(message.backend);
			else if (message.type === 'error') {
				reject(new Error(message.message));
				onError(message.message);
				busy = null;
			} else if (busy && message.id === busy.id) {
				const image = busy.image;
				busy = null;
				onGuess({ top: message.top }, image);
				if (waiting) {
					const next = waiting;
					waiting = null;
					send(next);
				}
			}
		};
		worker.onerror = (event) => {
			const message = event.message || 'the guessing worker failed';
			reject(new Error(message));
			onError(message);
		};
	});
	worker.postMessage({ type: 'load', entry, modelUrl, backend } satisfies GuessRequest);
	return {
		ready,
		request(image) {
			if (busy) waiting = image;
			else send(image);
		},
		dispose: () => worker.terminate()
	};
}
