/**
 * Where a set's importance maps come from, as a builder chooses it: the closed list of kinds
 * (the database's enum map_source_kind holds the same four), how each is named to people, and
 * the manifest's text form (importance-map.ts: uploaded, clickme, model:<id>, center-bias).
 */
import { checkMapSource } from './importance-map.js';
import { formatObserver, modelObserver } from './observer.js';

export const MAP_SOURCE_KINDS = ['uploaded', 'clickme', 'model', 'center-bias'] as const;
export type MapSourceKind = (typeof MAP_SOURCE_KINDS)[number];

/** How each kind is named in the dashboard and the command line. */
export const MAP_SOURCE_LABELS: Record<MapSourceKind, string> = {
	uploaded: 'Uploaded maps',
	clickme: 'ClickMe maps of another set',
	model: "A model's saliency on another set",
	'center-bias': 'Centre bias (a placeholder, not human data)'
};

export type MapSourceChoice =
	| { kind: 'uploaded' }
	| { kind: 'center-bias' }
	/** Maps of the set `setSlug`, matched to photos by image id. */
	| { kind: 'clickme'; setId: string; setSlug: string }
	| { kind: 'model'; setId: string; setSlug: string; modelId: string; runId?: string | null };

/** The manifest's (and importance_maps') source text. */
export function manifestMapSource(choice: MapSourceChoice): string {
	return checkMapSource(choice.kind === 'model' ? formatObserver(modelObserver(choice.modelId)) : choice.kind);
}

/** One phrase naming the source, for findings and summaries: "the ClickMe maps of set demo". */
export function describeMapSource(choice: MapSourceChoice): string {
	switch (choice.kind) {
		case 'uploaded':
			return 'the uploaded maps';
		case 'center-bias':
			return 'the centre-bias maps';
		case 'clickme':
			return `the ClickMe maps of set ${choice.setSlug}`;
		case 'model':
			return `the saliency maps of model ${choice.modelId} on set ${choice.setSlug}`;
	}
}
