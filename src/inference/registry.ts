/**
 * The model registry: one entry per model, the single list every part reads (model pages,
 * ClickMe, the command line, the benchmark). Weights load from a local folder when one is
 * configured (MODEL_DIR on the server, --models in the CLI), else from the public upstream.
 */

export type Preprocessing =
	/** x / 255, in [0, 1] */
	| { scale: 'unit'; channels: 'rgb' | 'bgr' }
	/** x / 127.5 - 1, in [-1, 1] */
	| { scale: 'symmetric'; channels: 'rgb' | 'bgr' }
	/** (x / 255 - mean) / std per channel */
	| { scale: 'mean-std'; mean: [number, number, number]; std: [number, number, number]; channels: 'rgb' | 'bgr' };

export type OutputOrder =
	/** already standard ImageNet-1k order */
	| { kind: 'standard' }
	/** Darknet's order: mapped with the permutation in imagenet-classes.json */
	| { kind: 'darknet' }
	/** 1001 outputs with a background class at index 0 (TF-slim): dropped */
	| { kind: 'background-first' };

export interface ModelEntry {
	id: string;
	name: string;
	family: 'CNN' | 'ViT' | 'self-supervised' | 'robust' | 'harmonized' | 'other';
	format: 'layers' | 'graph';
	/** Public upstream model.json. */
	upstreamUrl: string;
	/** Folder name inside a configured local model directory. */
	localDir: string | null;
	inputSize: number;
	preprocessing: Preprocessing;
	outputOrder: OutputOrder;
	/** What the model's output is; saliency always uses logits (see logitsLayer). */
	outputs: 'logits' | 'probabilities';
	/** For models whose output is probabilities: the layer whose output holds the logits. */
	logitsLayer: string | null;
	/** Published ImageNet top-1 accuracy, 0..1. */
	imagenetTop1: number;
	license: string;
	upstream: string;
}

export const MODEL_REGISTRY: readonly ModelEntry[] = [
	{
		id: 'darknet-tiny',
		name: 'Darknet Tiny',
		family: 'CNN',
		format: 'layers',
		upstreamUrl: 'https://raw.githubusercontent.com/ml5js/ml5-data-and-models/0612a3e7/models/darknetclassifier/darknettiny/model.json',
		localDir: 'darknet-tiny',
		inputSize: 224,
		preprocessing: { scale: 'unit', channels: 'rgb' },
		outputOrder: { kind: 'darknet' },
		outputs: 'logits',
		logitsLayer: null,
		imagenetTop1: 0.587,
		license: 'MIT (ml5 repository); Darknet weights by J. Redmon (public domain)',
		upstream: 'github.com/ml5js/ml5-data-and-models, models/darknetclassifier/darknettiny, commit 0612a3e7'
	},
	{
		id: 'mobilenet-v1-0.25',
		name: 'MobileNet v1 0.25 (224)',
		family: 'CNN',
		format: 'layers',
		upstreamUrl: 'https://raw.githubusercontent.com/mit-cml/image-classification-explorer/b58f11b9/mobilenet/model.json',
		localDir: 'mobilenet-v1-0.25',
		inputSize: 224,
		preprocessing: { scale: 'symmetric', channels: 'rgb' },
		outputOrder: { kind: 'standard' },
		outputs: 'probabilities',
		logitsLayer: 'conv_preds',
		imagenetTop1: 0.5,
		license: 'Apache-2.0 (Google MobileNet weights)',
		upstream: 'github.com/mit-cml/image-classification-explorer, folder mobilenet, commit b58f11b9'
	}
];

export class UnknownModelError extends Error {}

export function modelEntry(id: string, registry: readonly ModelEntry[] = MODEL_REGISTRY): ModelEntry {
	const entry = registry.find((m) => m.id === id);
	if (!entry) throw new UnknownModelError(`unknown model "${id}" (valid: ${registry.map((m) => m.id).join(', ')})`);
	return entry;
}

/** An entry for a model added by URL: a layers model in standard order with unit scaling, until told otherwise. */
export function customModelEntry(url: string, options: Partial<Omit<ModelEntry, 'upstreamUrl'>> = {}): ModelEntry {
	let parsed: URL;
	try {
		parsed = new URL(url, 'http://localhost');
	} catch {
		throw new Error(`not a URL: "${url}"`);
	}
	if (!parsed.pathname.endsWith('.json')) throw new Error(`a model URL must point to its model.json (got "${url}")`);
	return {
		id: options.id ?? `custom-${parsed.pathname.split('/').slice(-2, -1)[0] ?? 'model'}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '-'),
		name: options.name ?? url,
		family: options.family ?? 'other',
		format: options.format ?? 'layers',
		upstreamUrl: url,
		localDir: null,
		inputSize: options.inputSize ?? 224,
		preprocessing: options.preprocessing ?? { scale: 'unit', channels: 'rgb' },
		outputOrder: options.outputOrder ?? { kind: 'standard' },
		outputs: options.outputs ?? 'probabilities',
		logitsLayer: options.logitsLayer ?? null,
		imagenetTop1: options.imagenetTop1 ?? Number.NaN,
		license: options.license ?? 'unknown',
		upstream: options.upstream ?? url
	};
}
