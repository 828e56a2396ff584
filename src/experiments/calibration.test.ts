// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { calibrationFromChinrest, visualAngleDeg } from './calibration.js';

describe('screen calibration (virtual chinrest)', () => {
	it('reads pixels per mm, viewing distance and pixels per degree from the plugin\'s data', () => {
		expect(calibrationFromChinrest({ px2mm: 3.78, view_dist_mm: 612.4, px2deg: 40.1, item_width_px: 324 } as never)).toEqual({
			px_per_mm: 3.78,
			viewing_distance_mm: 612.4,
			px_per_degree: 40.1
		});
	});

	it('gives no calibration when a value is missing or not a positive number', () => {
		expect(calibrationFromChinrest({ px2mm: 3.78, view_dist_mm: 600 })).toBeNull(); // resized to degrees: px2deg deleted
		expect(calibrationFromChinrest({ px2mm: 0, view_dist_mm: 600, px2deg: 40 })).toBeNull();
		expect(calibrationFromChinrest({ px2mm: 3.78, view_dist_mm: Number.NaN, px2deg: 40 })).toBeNull();
		expect(calibrationFromChinrest({ px2mm: '3.78', view_dist_mm: 600, px2deg: 40 })).toBeNull();
	});

	it('gives the visual angle of a stimulus: 2 atan(size / 2 distance)', () => {
		// 256 px at 3.78 px/mm is 67.72 mm; at 600 mm that is 2 atan(33.86 / 600) = 6.460 degrees
		expect(visualAngleDeg(256, { px_per_mm: 3.78, viewing_distance_mm: 600 })).toBeCloseTo(6.4604, 3);
		// the plugin's px2deg is the card's width in px over its angle: the card subtends exactly that angle
		const px_per_mm = 3.9, viewing_distance_mm = 550, cardMm = 85.6;
		const cardDeg = (2 * Math.atan(cardMm / 2 / viewing_distance_mm) * 180) / Math.PI;
		const px2deg = (cardMm * px_per_mm) / cardDeg;
		expect(visualAngleDeg(cardMm * px_per_mm, { px_per_mm, viewing_distance_mm }) * px2deg).toBeCloseTo(cardMm * px_per_mm, 9);
		// small stimuli: close to px / px_per_degree
		expect(visualAngleDeg(256, { px_per_mm, viewing_distance_mm })).toBeCloseTo(256 / px2deg, 1);
	});
});
