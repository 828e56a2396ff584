/**
 * What a player painted: a stroke is a polyline of points [x, y, t] (px, ms since the round
 * started) drawn with a round brush of radius r. A pixel is painted when its centre
 * (i + 0.5, j + 0.5) lies within r of the stroke's path (a "capsule" around each segment; a
 * single point paints a disk). Exact, so the map maths can be checked by hand on small grids.
 */
export type StrokePoint = [x: number, y: number, t: number];

export interface Stroke {
	radius: number;
	points: StrokePoint[];
}

/** Squared distance from (px, py) to the segment a-b. */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
	const dx = bx - ax, dy = by - ay;
	const length2 = dx * dx + dy * dy;
	const s = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length2));
	const cx = ax + s * dx - px, cy = ay + s * dy - py;
	return cx * cx + cy * cy;
}

/** Sets to 1 every pixel of `mask` (row-major, width x height) the stroke paints. */
export function paintStroke(mask: Uint8Array, width: number, height: number, stroke: Stroke): void {
	const r = stroke.radius, r2 = r * r;
	const points = stroke.points;
	for (let k = 0; k < points.length; k++) {
		const [ax, ay] = points[k]!;
		const [bx, by] = points[Math.min(k + 1, points.length - 1)]!;
		const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r)), x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + r));
		const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r)), y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + r));
		for (let j = y0; j <= y1; j++) {
			for (let i = x0; i <= x1; i++) {
				if (!mask[j * width + i] && segmentDistance2(i + 0.5, j + 0.5, ax, ay, bx, by) <= r2) mask[j * width + i] = 1;
			}
		}
	}
}

/** The painted area of a round: 1 where any stroke painted. */
export function paintedMask(width: number, height: number, strokes: readonly Stroke[]): Uint8Array {
	const mask = new Uint8Array(width * height);
	for (const stroke of strokes) paintStroke(mask, width, height, stroke);
	return mask;
}

/** Proportion of the image painted. */
export function paintedFraction(mask: Uint8Array): number {
	let painted = 0;
	for (const v of mask) painted += v;
	return painted / mask.length;
}
