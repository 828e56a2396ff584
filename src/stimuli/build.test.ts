import { describe, expect, it } from 'vitest';
import { buildImageStimuli, type ImageInput } from './build.js';
import { sha256Hex } from './hash.js';
import { centerBiasMap } from './importance-map.js';
import { revealLevels } from './levels.js';
import { seededRandom } from './random.js';

function input(): ImageInput {
	const random = seededRandom('photo');
	const width = 24, height = 20;
	return {
		imageId: 'test-photo',
		category: 'animal',
		imagenetClasses: [281],
		attribution: null,
		image: { width, height, data: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(random() * 256)) },
		map: centerBiasMap(width, height)
	};
}

describe('building one image\'s stimuli', () => {
	it('is deterministic to the byte, and the manifest sha256 match the files', async () => {
		const levels = revealLevels(4);
		const a = await buildImageStimuli('unit', input(), levels, 1);
		const b = await buildImageStimuli('unit', input(), levels, 1);
		expect(a.files.map((f) => f.path)).toEqual(b.files.map((f) => f.path));
		a.files.forEach((f, i) => expect(Buffer.from(f.bytes).equals(Buffer.from(b.files[i]!.bytes))).toBe(true));
		for (const s of a.stimuli) {
			const file = a.files.find((f) => f.path === s.file)!;
			expect(await sha256Hex(file.bytes)).toBe(s.sha256);
		}
		const other = await buildImageStimuli('unit', input(), levels, 2);
		expect(other.image.noise_sha256).not.toBe(a.image.noise_sha256);
	});

	it('writes, per level, k = round(p H W) revealed pixels and a record of the shift', async () => {
		const levels = revealLevels(4); // 0.01, 0.0464, 0.2154, 1
		const built = await buildImageStimuli('unit', input(), levels, 1);
		expect(built.stimuli.map((s) => s.revealed_pixels)).toEqual([5, 22, 103, 480]); // 4.8, 22.28, 103.4, 480
		expect(built.stimuli.map((s) => s.level_index)).toEqual([0, 1, 2, 3]);
		expect(built.stimuli[3]).toMatchObject({ shift_x: 0, shift_y: 0, reveal: 1 });
		// the full level shows the photo itself
		const full = built.files.find((f) => f.path === 'stimuli/test-photo/3.png')!;
		expect(full.bytes).toEqual(built.files.find((f) => f.path === 'images/test-photo.png')!.bytes);
		expect(new Set(built.stimuli.map((s) => s.id)).size).toBe(4);
		expect(built.stimuli[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	});

	it('refuses a map of another size, naming the sizes', async () => {
		const bad = { ...input(), map: centerBiasMap(10, 10) };
		await expect(buildImageStimuli('unit', bad, [1], 1)).rejects.toThrow('map is 10 x 10 but the image is 24 x 20');
	});
});
