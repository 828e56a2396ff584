/**
 * Rounds and strokes on their way to the database, through the experiment's loss-free queue
 * (stored in the browser before any send, one request in flight at a time, resent until
 * confirmed, duplicates ignored): the same TrialQueue, so the same tests hold for strokes.
 */
import type { ClickmeItem, PlatformClient } from '../data/index.js';
import { recordClickme } from '../data/index.js';
import { TrialQueue, type QueueStatus, type QueueStorage } from '../experiments/trial-queue.js';
import type { Stroke } from './paint.js';

export function clickmeQueue(client: PlatformClient, storage: QueueStorage, userId: string, onChange?: (status: QueueStatus) => void): TrialQueue<ClickmeItem> {
	return new TrialQueue<ClickmeItem>({ storage, key: `slp:clickme:${userId}`, send: (items) => recordClickme(client, items), onChange });
}

type RoundFields = Extract<ClickmeItem, { kind: 'round' }>;
type Device = RoundFields['device'];

/**
 * One round on its way to the database, for the game and the annotation page alike: the round
 * row goes into the queue with its first stroke (so its device is the pointer that painted), or
 * with its end when nothing was painted; then each stroke in order; then the end.
 */
export class RoundRecorder {
	readonly id = crypto.randomUUID();
	private started = false;
	private strokes = 0;

	constructor(
		private readonly queue: TrialQueue<ClickmeItem>,
		private readonly round: Omit<RoundFields, 'kind' | 'id' | 'device'>
	) {}

	stroke(stroke: Stroke, device: Device): void {
		this.start(device);
		this.queue.enqueue(strokeItem(this.id, this.strokes++, stroke));
	}

	end(outcome: Extract<ClickmeItem, { kind: 'end' }>['outcome'], score: number | null, revealedFraction: number): void {
		this.start('mouse');
		this.queue.enqueue(endItem(this.id, outcome, score, revealedFraction));
	}

	private start(device: Device): void {
		if (this.started) return;
		this.started = true;
		this.queue.enqueue({ kind: 'round', id: this.id, ...this.round, device });
	}
}

const strokeItem = (roundId: string, index: number, stroke: Stroke): ClickmeItem => ({
	kind: 'stroke',
	id: crypto.randomUUID(),
	round_id: roundId,
	stroke_index: index,
	radius: stroke.radius,
	points: stroke.points.map(([x, y, t]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100, t])
});

const endItem = (roundId: string, outcome: Extract<ClickmeItem, { kind: 'end' }>['outcome'], score: number | null, revealedFraction: number): ClickmeItem => ({
	kind: 'end',
	id: crypto.randomUUID(),
	round_id: roundId,
	outcome,
	score,
	revealed_fraction: revealedFraction
});
