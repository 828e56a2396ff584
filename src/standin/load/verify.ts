/**
 * After a load run: what the database holds, read with the service role (which bypasses
 * row-level security), compared with what each simulated client enqueued, was told and kept.
 */
import { allRows } from '../../data/client.js';
import type { ClickmeItem, PlatformClient } from '../../data/index.js';
import type { SimulatedParticipant } from './participant.js';

export interface Verification {
	/** Distinct items enqueued by the clients (trials, or ClickMe rounds, strokes and ends). */
	enqueued: number;
	/** Of those, held by the database. */
	stored: number;
	/** Items the server confirmed (stored or duplicate) to a client. */
	confirmed: number;
	/** Confirmed to the client, yet not in the database. */
	lostConfirmed: number;
	/** Enqueued, never stored (still pending when the participant gave up, rejected, or lost). */
	lostEnqueued: number;
	/** Still pending in a queue at the end. */
	pendingAtEnd: number;
	/** Items answered `rejected` although valid (every simulated item is), and of those, how many are stored anyway. */
	falseRejections: number;
	falseRejectionsStored: number;
	/** Rejection reasons (ids replaced by <id>) and how often each came. */
	rejectionReasons: Record<string, number>;
	/** Study runs: sessions in the database, completed ones, and participants rows (a retry with a new session adds one). */
	sessions: number;
	sessionsCompleted: number;
	participantsRows: number;
	/** Completed sessions whose trials_saved differs from the trials stored for them. */
	completionMismatches: number;
}

const byId = (from: number, to: number) => [from, to] as const;

async function storedStudyItems(service: PlatformClient): Promise<{ ids: Set<string>; perSession: Map<string, number> }> {
	const rows = await allRows<{ id: string; session_id: string }>((from, to) => service.from('trials').select('id, session_id').order('id').range(...byId(from, to)));
	const perSession = new Map<string, number>();
	for (const r of rows) perSession.set(r.session_id, (perSession.get(r.session_id) ?? 0) + 1);
	return { ids: new Set(rows.map((r) => r.id)), perSession };
}

async function storedClickmeItems(service: PlatformClient, items: ClickmeItem[]): Promise<Set<string>> {
	const rounds = await allRows<{ id: string; ended_at: string | null }>((from, to) => service.from('clickme_rounds').select('id, ended_at').order('id').range(from, to));
	const strokes = await allRows<{ id: string }>((from, to) => service.from('clickme_strokes').select('id').order('id').range(from, to));
	const ended = new Set(rounds.filter((r) => r.ended_at !== null).map((r) => r.id));
	const ids = new Set([...rounds.map((r) => r.id), ...strokes.map((s) => s.id)]);
	// a round's end is stored as its ended_at
	for (const item of items) if (item.kind === 'end' && ended.has(item.round_id)) ids.add(item.id);
	return ids;
}

export async function verifyAgainstDatabase(service: PlatformClient, participants: readonly SimulatedParticipant[]): Promise<Verification> {
	const study = participants.filter((p) => p.kind === 'study');
	const clickme = participants.filter((p) => p.kind === 'clickme');
	const stored = new Set<string>();
	let perSession = new Map<string, number>();
	if (study.length) {
		const found = await storedStudyItems(service);
		found.ids.forEach((id) => stored.add(id));
		perSession = found.perSession;
	}
	if (clickme.length) (await storedClickmeItems(service, clickme.flatMap((p) => p.enqueued as ClickmeItem[]))).forEach((id) => stored.add(id));

	const v: Verification = {
		enqueued: 0, stored: 0, confirmed: 0, lostConfirmed: 0, lostEnqueued: 0, pendingAtEnd: 0, falseRejections: 0, falseRejectionsStored: 0,
		rejectionReasons: {}, sessions: 0, sessionsCompleted: 0, participantsRows: 0, completionMismatches: 0
	};
	for (const p of participants) {
		const enqueued = new Set(p.enqueued.map((item) => item.id));
		const confirmed = p.queue?.confirmedIds() ?? new Set<string>();
		v.enqueued += enqueued.size;
		v.pendingAtEnd += p.queue?.status().pending ?? 0;
		for (const id of enqueued) {
			if (stored.has(id)) v.stored++;
			else v.lostEnqueued++;
			if (confirmed.has(id)) {
				v.confirmed++;
				if (!stored.has(id)) v.lostConfirmed++;
			}
		}
		for (const [id, reason] of p.rejected) {
			v.falseRejections++;
			if (stored.has(id)) v.falseRejectionsStored++;
			const general = reason.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
			v.rejectionReasons[general] = (v.rejectionReasons[general] ?? 0) + 1;
		}
		if (p.kind === 'study' && p.completion && p.sessionId && p.completion.trials_saved !== (perSession.get(p.sessionId) ?? 0)) v.completionMismatches++;
	}
	if (study.length) {
		const sessions = await allRows<{ id: string; status: string }>((from, to) => service.from('sessions').select('id, status').order('id').range(from, to));
		v.sessions = sessions.length;
		v.sessionsCompleted = sessions.filter((s) => s.status === 'completed').length;
		const counted = await service.from('participants').select('id', { count: 'exact', head: true });
		if (counted.error) throw new Error(`could not count participants: ${counted.error.message}`);
		v.participantsRows = counted.count ?? 0;
	}
	return v;
}
