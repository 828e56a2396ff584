/**
 * The platform's trial export: rows of the `decision_trials` view (people and models in one
 * shape) become the shared trial format. Rules, so every exported number can be traced:
 * - practice trials are left out (they are not part of the design);
 * - test data (sessions and runs made by automated tests) is left out unless asked for, and then
 *   its observers are test observers (`test:` text form, src/stimuli/observer.ts) so it can never
 *   pass for a person's results;
 * - one answer per observer, image and reveal level: a person's first (their naive view), a
 *   model's latest (its newest run of the same stimulus);
 * - rows come people first, then models, each by observer, reveal level and image.
 */
import { formatObserver, type ObserverKind } from '../stimuli/observer.js';
import type { Category, Response } from '../stimuli/task.js';
import type { Trial } from './trials.js';

/** One row of the decision_trials view (only what the export reads; src/data's DecisionTrial is the whole row). */
export interface StoredDecisionTrial {
	observer_kind: ObserverKind;
	observer_id: string;
	image_id: string;
	category: Category;
	reveal: number;
	/** null: no answer in time. */
	response: Response;
	rt_ms: number | null;
	block: 'practice' | 'main';
	is_test: boolean;
	created_at: string;
}

export function exportTrials(rows: readonly StoredDecisionTrial[], options: { includeTest?: boolean } = {}): Trial[] {
	const kept = new Map<string, StoredDecisionTrial>();
	const ordered = [...rows].sort((a, b) => a.created_at.localeCompare(b.created_at));
	for (const row of ordered) {
		if (row.block !== 'main' || (row.is_test && !options.includeTest)) continue;
		const key = `${row.observer_kind}\u0000${row.observer_id}\u0000${row.image_id}\u0000${row.reveal}`;
		if (row.observer_kind === 'human' && kept.has(key)) continue; // keep a person's first answer
		kept.set(key, row); // and a model's latest
	}
	const byObserver = (a: StoredDecisionTrial, b: StoredDecisionTrial) =>
		a.observer_kind.localeCompare(b.observer_kind) || a.observer_id.localeCompare(b.observer_id) || a.reveal - b.reveal || a.image_id.localeCompare(b.image_id);
	return [...kept.values()].sort(byObserver).map((row) => ({
		observer: formatObserver({ kind: row.observer_kind, id: row.observer_id, test: row.is_test }),
		kind: row.observer_kind,
		image_id: row.image_id,
		category: row.category,
		reveal: row.reveal,
		response: row.response,
		rt_ms: row.rt_ms
	}));
}
