/**
 * A game round's score: more the less was painted and the sooner the network succeeded.
 *   recognized: max(1, round(100 x (1 - painted fraction) x (1 - elapsed / time limit)))
 *   timeout or skipped: 0
 * The database has the same formula (public.clickme_round_score, supabase migration
 * 20261129140400_clickme_trust.sql) and stores at most that score for a round, with the elapsed
 * time at least the round's last stored stroke point: a client cannot claim more.
 */
export function roundScore(outcome: 'recognized' | 'timeout' | 'skipped', paintedFraction: number, elapsedMs: number, timeLimitMs: number): number {
	if (outcome !== 'recognized') return 0;
	const area = 1 - Math.min(1, Math.max(0, paintedFraction));
	const time = 1 - Math.min(1, Math.max(0, elapsedMs / timeLimitMs));
	return Math.max(1, Math.round(100 * area * time));
}
