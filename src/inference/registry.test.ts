/** The registry as data: every zoo file is checked on load, and a bad declaration gets a sentence naming the file and field. */
import { describe, expect, it } from 'vitest';
import darknet from './zoo/darknet-tiny.json' with { type: 'json' };
import { MODEL_REGISTRY, ModelEntryError, parseModelEntry } from './registry.js';

const where = 'my-model.json';
const valid = { ...darknet, id: 'my-model' };

describe('model declarations', () => {
	it('the built-in list is the zoo files, one per model, ids unique', () => {
		expect(MODEL_REGISTRY.map((m) => m.id)).toEqual(['darknet-tiny', 'mobilenet-v1-0.25', 'mobilenet-v1-0.75', 'squeezenet-1.1', 'squeezenet-1.0', 'mobilenet-v1-1.0-quant',
			'mobilenet-v2-1.0-224-quant', 'mobilenet-v2-1.0-224-ptq', 'mobilenet-v1-0.75-192-quant', 'mobilenet-v1-0.5-160-quant']);
		// the four Coral files are imported from .tflite when they load
		expect(MODEL_REGISTRY.filter((m) => m.format === 'tflite').every((m) => m.localDir?.endsWith('.tflite') && m.preprocessing.scale === 'raw')).toBe(true);
		expect(new Set(MODEL_REGISTRY.map((m) => m.id)).size).toBe(MODEL_REGISTRY.length);
		// a model rebuilt here has no public model.json, only its local folder
		expect(MODEL_REGISTRY.filter((m) => m.upstreamUrl === null).every((m) => m.localDir !== null)).toBe(true);
		expect(MODEL_REGISTRY.every((m) => m.demoAccuracy !== null && m.upstream.length > 0 && m.license.length > 0)).toBe(true);
	});

	it('accepts a valid declaration unchanged', () => {
		expect(parseModelEntry(valid, where)).toMatchObject({ id: 'my-model', inputSize: 224, preprocessing: { scale: 'unit', channels: 'rgb' } });
	});

	it('reads a top-1 declared null as not known (NaN), as JSON writes NaN', () => {
		const entry = parseModelEntry({ ...valid, imagenetTop1: null }, where);
		expect(entry.imagenetTop1).toBeNaN();
		expect(parseModelEntry(JSON.parse(JSON.stringify(entry)), where).imagenetTop1).toBeNaN();
	});

	const cases: [string, Record<string, unknown>, string][] = [
		['not an object', [] as unknown as Record<string, unknown>, 'my-model.json: a model declaration must be a JSON object'],
		['an id with spaces', { id: 'my model' }, 'my-model.json: "id" may hold only letters, digits'],
		['no weights at all', { upstreamUrl: null, localDir: null }, '"upstreamUrl" is needed when there is no localDir'],
		['a URL that is not a model.json', { upstreamUrl: 'https://example.org/model.bin' }, '"upstreamUrl" must point to a model.json'],
		['an absurd input size', { inputSize: 3 }, '"inputSize" must be a whole number of px from 16 to 1024 (got 3)'],
		['an unknown scaling', { preprocessing: { scale: 'caffe', channels: 'rgb' } }, '"preprocessing.scale" must be one of unit, symmetric, mean-std, raw (got "caffe")'],
		['a std of zero', { preprocessing: { scale: 'mean-std', mean: [0, 0, 0], std: [1, 0, 1], channels: 'rgb' } }, '"preprocessing.std" must be three positive numbers'],
		['an unknown class order', { outputOrder: { kind: 'caffe' } }, '"outputOrder.kind" must be one of standard, darknet, background-first'],
		['a top-1 in percent', { imagenetTop1: 70 }, '"imagenetTop1" must be a share from 0 to 1 (got 70; 70 % is 0.7)'],
		['an unknown family', { family: 'transformer' }, '"family" must be one of CNN, ViT'],
		['a demo accuracy without its minimum', { demoAccuracy: { photos: 93, top1: 0.5, animal: 0.9, measured: 'today' } }, '"demoAccuracy.minimum.top1" must be a share from 0 to 1']
	];
	for (const [what, change, sentence] of cases) {
		it(`refuses ${what}, naming the file and the field`, () => {
			const raw = Array.isArray(change) ? change : { ...valid, ...change };
			expect(() => parseModelEntry(raw, where)).toThrow(ModelEntryError);
			expect(() => parseModelEntry(raw, where)).toThrow(sentence);
		});
	}
});
