/**
 * The pareto front of models trading ImageNet accuracy against alignment with people (Fel et al.
 * 2022, Figs. 3-4; Linsley et al. 2023, Fig. 1): a model is on the front when no other model is
 * at least as good on both axes and better on one. Higher accuracy is always better; on the
 * alignment axis "better" follows the metric's direction (metrics.ts): higher for a score such as
 * error consistency, lower for a difference such as the squared accuracy difference.
 */
import type { Direction } from './metrics.js';

export interface ParetoPoint {
	id: string;
	/** ImageNet top-1 accuracy, 0..1. */
	x: number;
	/** An alignment score (feature alignment, error consistency, ...). */
	y: number;
	/** y's 95 % interval (src/analysis/bootstrap.ts); null or absent where not estimable. */
	ci_low?: number | null;
	ci_high?: number | null;
	/** x's 95 % interval, where known (published ImageNet accuracies come without one). */
	x_ci_low?: number | null;
	x_ci_high?: number | null;
}

/** a dominates b: at least as good on both axes and better on one (y better as `direction` says). */
export function dominates(a: ParetoPoint, b: ParetoPoint, direction: Direction = 'higher'): boolean {
	const ay = direction === 'higher' ? a.y : -a.y;
	const by = direction === 'higher' ? b.y : -b.y;
	return a.x >= b.x && ay >= by && (a.x > b.x || ay > by);
}

/** The points no other point dominates, by ascending x (then best y first). */
export function paretoFront<P extends ParetoPoint>(points: readonly P[], direction: Direction = 'higher'): P[] {
	const sign = direction === 'higher' ? 1 : -1;
	return points
		.filter((p) => !points.some((q) => dominates(q, p, direction)))
		.sort((a, b) => a.x - b.x || sign * (b.y - a.y));
}
