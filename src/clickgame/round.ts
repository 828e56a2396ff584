/**
 * One round on the canvas, without the DOM: strokes as they are drawn (points in image px and ms
 * since the round began), the painted area kept up to date, and what the network is shown:
 * the photo where painted, a flat grey elsewhere. Annotators can take strokes back: `undo` removes
 * the last stroke and `clear` all of them, and the painted area is repainted from the strokes left
 * (the mask is always exactly paintedMask of `strokes`).
 */
import type { RgbImage } from '../stimuli/image.js';
import { paintStroke, type Stroke } from './paint.js';

export class PaintedRound {
	readonly mask: Uint8Array;
	readonly strokes: Stroke[] = [];
	private current: Stroke | null = null;

	/**
	 * @param radius the brush radius, px: each stroke keeps the radius it was begun with, so an
	 *   annotator may change it between strokes.
	 */
	constructor(readonly width: number, readonly height: number, public radius: number) {
		this.mask = new Uint8Array(width * height);
	}

	/** Starts a stroke at (x, y), clamped to the image. */
	begin(x: number, y: number, t: number): void {
		this.current = { radius: this.radius, points: [] };
		this.extend(x, y, t);
	}

	/** Adds a point to the stroke being drawn and paints the new segment. */
	extend(x: number, y: number, t: number): void {
		if (!this.current) return;
		const point: [number, number, number] = [Math.min(this.width, Math.max(0, x)), Math.min(this.height, Math.max(0, y)), Math.max(0, Math.round(t))];
		const previous = this.current.points.at(-1);
		this.current.points.push(point);
		paintStroke(this.mask, this.width, this.height, { radius: this.current.radius, points: previous ? [previous, point] : [point] });
	}

	/** Ends the stroke being drawn and returns it (null when none was). */
	end(): Stroke | null {
		const stroke = this.current;
		this.current = null;
		if (stroke) this.strokes.push(stroke);
		return stroke;
	}

	/** Takes back the last finished stroke (null when there is none) and repaints without it. */
	undo(): Stroke | null {
		if (this.current) return null; // not while a stroke is being drawn
		const stroke = this.strokes.pop() ?? null;
		if (stroke) this.repaint();
		return stroke;
	}

	/** Takes back every stroke. */
	clear(): void {
		this.current = null;
		this.strokes.length = 0;
		this.mask.fill(0);
	}

	private repaint(): void {
		this.mask.fill(0);
		for (const stroke of this.strokes) paintStroke(this.mask, this.width, this.height, stroke);
	}

	get drawing(): boolean {
		return this.current !== null;
	}

	/** Proportion of the image painted so far. */
	paintedFraction(): number {
		let n = 0;
		for (const v of this.mask) n += v;
		return n / this.mask.length;
	}

	/** The photo where painted, `grey` elsewhere: what the network sees. */
	revealed(photo: RgbImage, grey: number): RgbImage {
		const data = new Uint8Array(photo.data.length).fill(grey);
		for (let i = 0; i < this.mask.length; i++) {
			if (this.mask[i]) data.set(photo.data.subarray(i * 3, i * 3 + 3), i * 3);
		}
		return { width: photo.width, height: photo.height, data };
	}
}
