import { describe, expect, it } from 'vitest';
import { MODEL_REGISTRY } from '$inference/registry.js';
import { declareCustomModel, EMPTY_CUSTOM_MODEL, type CustomModelForm } from './custom-model.js';

const good: CustomModelForm = { ...EMPTY_CUSTOM_MODEL, url: 'https://example.org/net/model.json', id: 'my-net', name: 'My net', top1: '0.712' };
const taken = MODEL_REGISTRY.map((m) => m.id);

describe('a custom model declared on the models page', () => {
	it('becomes a registry entry with what was declared', () => {
		const entry = declareCustomModel(good, taken);
		expect(entry).toMatchObject({
			id: 'my-net', name: 'My net', format: 'layers', upstreamUrl: 'https://example.org/net/model.json', inputSize: 224,
			preprocessing: { scale: 'mean-std', channels: 'rgb' }, outputOrder: { kind: 'standard' }, outputs: 'logits', imagenetTop1: 0.712, logitsLayer: null
		});
		expect(declareCustomModel({ ...good, format: 'tflite', url: 'https://example.org/net.tflite', inputSize: '192', order: 'background-first', outputs: 'probabilities' }, taken))
			.toMatchObject({ format: 'tflite', inputSize: 192, outputOrder: { kind: 'background-first' }, outputs: 'probabilities' });
	});

	it('refuses each bad field in a sentence naming the form\'s field', () => {
		const refusal = (change: Partial<CustomModelForm>) => {
			try {
				declareCustomModel({ ...good, ...change }, taken);
			} catch (error) {
				return (error as Error).message;
			}
			return 'accepted';
		};
		expect(refusal({ top1: '76' })).toBe('The custom model: ImageNet top-1 must be a share from 0 to 1 (got 76; 70 % is 0.7)');
		expect(refusal({ top1: '' })).toBe('The custom model: ImageNet top-1 must be a share from 0 to 1 (got ""; 70 % is 0.7)');
		expect(refusal({ inputSize: 'big' })).toBe('The custom model: Input size must be a whole number of px from 16 to 1024 (got "big")');
		expect(refusal({ inputSize: '8' })).toBe('The custom model: Input size must be a whole number of px from 16 to 1024 (got 8)');
		expect(refusal({ name: ' ' })).toBe('The custom model: Name must be non-empty text');
		expect(refusal({ url: '' })).toBe('The custom model: Model URL must be given: the address of its model.json (or .tflite file)');
		expect(refusal({ url: 'https://example.org/net/' })).toBe('The custom model: Model URL must point to a model.json or a .tflite file (got "https://example.org/net/")');
		expect(refusal({ format: 'tflite' })).toBe('The custom model: Model URL must point to a .tflite file for the format chosen (got "https://example.org/net/model.json")');
		expect(refusal({ id: 'My-Net' })).toBe('The custom model: Model id must be 2 to 64 lowercase letters, digits, "_", "." or "-", starting with a letter or digit, as the database stores it (got "My-Net")');
		expect(refusal({ id: 'mobilenet-v1-0.25' })).toBe('The custom model: Model id "mobilenet-v1-0.25" is taken by a model in the list: choose another');
	});
});
