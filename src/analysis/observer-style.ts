/**
 * How each observer is shown, in one table (like model-vs-human's `plotting_definition`): its
 * display name, colour and marker. People have one fixed colour; a model's colour and marker come
 * from its registry id alone, so a model looks the same in every figure (decision curves,
 * alignment panels, pareto, maps, and each legend: swatch line, colour and marker) and on every page, whichever other models are shown with it.
 */
import type { Observer } from '../stimuli/observer.js';

export type Marker = 'circle' | 'square' | 'triangle' | 'diamond' | 'star' | 'cross' | 'wye';

export interface ObserverStyle {
	label: string;
	colour: string;
	marker: Marker;
}

/** People: black circles (their curve is the reference the models are drawn against). */
export const HUMAN_STYLE = { colour: '#111', marker: 'circle' } as const satisfies Omit<ObserverStyle, 'label'>;

/** Model colours (Tableau 10 without its grey, which reads as the people's black). */
export const MODEL_COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22'] as const;
/** Model markers (people's circle left out). */
export const MODEL_MARKERS = ['square', 'triangle', 'diamond', 'star', 'cross', 'wye'] as const satisfies readonly Marker[];

/** FNV-1a (32 bit) of the id: a stable number per model, the same in every browser and in Node. */
function hash(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h;
}

/** A model's colour: MODEL_COLOURS[hash(id) mod 9]. */
export const modelColour = (modelId: string) => MODEL_COLOURS[hash(modelId) % MODEL_COLOURS.length]!;
/** A model's marker: MODEL_MARKERS[floor(hash(id) / 9) mod 6], so two models rarely share colour and marker. */
export const modelMarker = (modelId: string) => MODEL_MARKERS[Math.floor(hash(modelId) / MODEL_COLOURS.length) % MODEL_MARKERS.length]!;

/**
 * An observer's style. `modelNames` maps a model's registry id to its display name (the models
 * table's `name`); without one the id is shown. A test run is labelled as such.
 */
export function observerStyle(observer: Observer, modelNames: Readonly<Record<string, string>> = {}): ObserverStyle {
	if (observer.kind === 'human') return { label: observer.test ? `Test session ${observer.id}` : `Person ${observer.id}`, ...HUMAN_STYLE };
	return {
		label: `${modelNames[observer.id] ?? observer.id}${observer.test ? ' (test run)' : ''}`,
		colour: modelColour(observer.id),
		marker: modelMarker(observer.id)
	};
}

/** The label of the human curve: says when it is made of test sessions, which are not people. */
export function humanCurveLabel(included: readonly Observer[]): string {
	if (included.length && included.every((o) => o.test)) return 'Test sessions (not people)';
	if (included.some((o) => o.test)) return 'People + test sessions';
	return 'People';
}
