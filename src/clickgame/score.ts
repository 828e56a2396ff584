/**
 * A game round's score: more the less was painted and the sooner the network succeeded.
 *   recognized: max(1, round(100 x (1 - painted fraction) x (1 - elapsed / time limit)))
 *   timeout or skipped: 0
 */
export function roundScore(outcome: 'recognized' | 'timeout' | 'skipped', paintedFraction: number, elapsedMs: number, timeLimitMs: number): number {
	if (outcome !== 'recognized') return 0;
	const area = 1 - Math.min(1, Math.max(0, paintedFraction));
	const time = 1 - Math.min(1, Math.max(0, elapsedMs / timeLimitMs));
	return Math.max(1, Math.round(100 * area * time));
}
