/**
 * Rounds and strokes on their way to the database, through the experiment's loss-free queue
 * (stored in the browser before any send, resent until confirmed, duplicates ignored).
 */
import type { ClickmeItem, PlatformClient } from '../data/index.js';
import { recordClickme } from '../data/index.js';
import { TrialQueue, type QueueStatus, type QueueStorage } from '../experiments/trial-queue.js';
import type { Stroke } from './paint.js';

export function clickmeQueue(client: PlatformClient, storage: QueueStorage, userId: string, onChange?: (status: QueueStatus) => void): TrialQueue<ClickmeItem> {
	return new TrialQueue<ClickmeItem>({ storage, key: `slp:clickme:${userId}`, send: (items) => recordClickme(client, items), onChange });
}

export const roundItem = (fields: Omit<Extract<ClickmeItem, { kind: 'round' }>, 'kind'>): ClickmeItem => ({ kind: 'round', ...fields });

export const strokeItem = (roundId: string, index: number, stroke: Stroke): ClickmeItem => ({
	kind: 'stroke',
	id: crypto.randomUUID(),
	round_id: roundId,
	stroke_index: index,
	radius: stroke.radius,
	points: stroke.points.map(([x, y, t]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100, t])
});

export const endItem = (roundId: string, outcome: Extract<ClickmeItem, { kind: 'end' }>['outcome'], score: number | null, revealedFraction: number): ClickmeItem => ({
	kind: 'end',
	id: crypto.randomUUID(),
	round_id: roundId,
	outcome,
	score,
	revealed_fraction: revealedFraction
});
