/**
 * The pareto front of models trading ImageNet accuracy against alignment with people (Fel et al.
 * 2022, Figs. 3-4; Linsley et al. 2023, Fig. 1): a model is on the front when no other model is
 * at least as good on both axes and better on one.
 */
export interface ParetoPoint {
	id: string;
	/** ImageNet top-1 accuracy, 0..1. */
	x: number;
	/** An alignment score (feature alignment, error consistency, ...). */
	y: number;
}

export function dominates(a: ParetoPoint, b: ParetoPoint): boolean {
	return a.x >= b.x && a.y >= b.y && (a.x > b.x || a.y > b.y);
}

/** The points no other point dominates, by ascending x (then descending y). */
export function paretoFront(points: readonly ParetoPoint[]): ParetoPoint[] {
	return points
		.filter((p) => !points.some((q) => dominates(q, p)))
		.sort((a, b) => a.x - b.x || b.y - a.y);
}
