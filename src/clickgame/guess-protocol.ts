/** Messages between the game page and the guessing worker (the network in the loop). */
import type { ClassScore } from '../inference/classes.js';
import type { ModelEntry } from '../inference/registry.js';
import type { RgbImage } from '../stimuli/image.js';

export type GuessRequest = { type: 'load'; entry: ModelEntry; modelUrl: string; backend: string } | { type: 'guess'; id: number; image: RgbImage };

export type GuessMessage =
	| { type: 'ready'; backend: string }
	| { type: 'guess'; id: number; top: ClassScore[] }
	| { type: 'error'; message: string };
