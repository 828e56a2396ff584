/**
 * The model registry: one entry per model, the single list every part reads (model pages,
 * ClickMe, the command line, the benchmark). The built-in list is the JSON files of `zoo/`, one
 * per model, each checked on load by `parseModelEntry` (a custom model added on the models page is
 * declared and checked the same way). Weights load from a local folder when one is configured
 * (MODEL_DIR on the server, --models in the CLI), else from the public upstream (models rebuilt or
 * converted here have none: they need the local folder).
 */
import darknetTiny from './zoo/darknet-tiny.json' with { type: 'json' };
import mobilenetV1025 from './zoo/mobilenet-v1-0.25.json' with { type: 'json' };
import mobilenetV1075 from './zoo/mobilenet-v1-0.75.json' with { type: 'json' };
import mobilenetV110Quant from './zoo/mobilenet-v1-1.0-quant.json' with { type: 'json' };
import squeezenet10 from './zoo/squeezenet-1.0.json' with { type: 'json' };
import squeezenet11 from './zoo/squeezenet-1.1.json' with { type: 'json' };
import mobilenetV2Quant from './zoo/mobilenet-v2-1.0-224-quant.json' with { type: 'json' };
import mobilenetV2Ptq from './zoo/mobilenet-v2-1.0-224-ptq.json' with { type: 'json' };
import mobilenetV1075192Quant from './zoo/mobilenet-v1-0.75-192-quant.json' with { type: 'json' };
import mobilenetV105160Quant from './zoo/mobilenet-v1-0.5-160-quant.json' with { type: 'json' };

export type Preprocessing =
	/** x / 255, in [0, 1] */
	| { scale: 'unit'; channels: 'rgb' | 'bgr' }
	/** x / 127.5 - 1, in [-1, 1] */
	| { scale: 'symmetric'; channels: 'rgb' | 'bgr' }
	/** 0..255 as they are (a quantized TFLite import: its first layer applies the file's input quantization) */
	| { scale: 'raw'; channels: 'rgb' | 'bgr' }
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
	/**
	 * layers / graph: TF.js model.json; onnx-op-graph: a model imported from ONNX (importers/onnx-graph.ts);
	 * tflite: a .tflite file, imported as a TF.js layers model each time it loads (importers/tflite.ts).
	 */
	format: 'layers' | 'graph' | 'onnx-op-graph' | 'tflite';
	/**
	 * Public upstream model.json; null for a model rebuilt or converted here (local folder only); an
	 * `indexeddb://` key for a model imported on the models page and kept in that browser.
	 */
	upstreamUrl: string | null;
	/** Folder name inside a configured local model directory. */
	localDir: string | null;
	inputSize: number;
	preprocessing: Preprocessing;
	outputOrder: OutputOrder;
	/** What the model's output is; saliency always uses logits (see logitsLayer). */
	outputs: 'logits' | 'probabilities';
	/** For models whose output is probabilities: the layer whose output holds the logits. */
	logitsLayer: string | null;
	/**
	 * Published ImageNet top-1 accuracy, 0..1; NaN when not known (declared `null`: a harmonized
	 * model's top-1 is not its base model's, and nobody measured it on ImageNet). Stored as null in
	 * `models.imagenet_top1`; the results page then leaves the model out of the pareto plot, saying so.
	 */
	imagenetTop1: number;
	license: string;
	/** Where the weights come from, with the commit. */
	upstream: string;
	/** Accuracy on the demo set's photos, measured by src/inference/zoo.test.ts (null until measured). */
	demoAccuracy: DemoAccuracy | null;
}

/**
 * Measured on the demo photos (static/stimuli/photos, full reveal): top1 = share whose top class
 * is one of the photo's listed ImageNet classes; animal = share decided right under the paper's
 * top-1 rule (src/stimuli/task.ts). The test fails below `minimum`.
 */
export interface DemoAccuracy {
	photos: number;
	top1: number;
	animal: number;
	minimum: { top1: number; animal: number };
	measured: string;
}

/** Where the models page keeps model files a researcher imported in the browser (tf.io's IndexedDB store). */
export const BROWSER_STORE = 'indexeddb://';

/** A model declaration that cannot be used: the sentence names the file and the field. */
export class ModelEntryError extends Error {}

const FAMILIES = ['CNN', 'ViT', 'self-supervised', 'robust', 'harmonized', 'other'] as const;
const OUTPUT_KINDS = ['standard', 'darknet', 'background-first'] as const;

/** Checks a declaration (a zoo file, or a custom model's form) field by field; `where` names it in errors. */
export function parseModelEntry(raw: unknown, where: string): ModelEntry {
	const bad = (field: string, why: string) => new ModelEntryError(`${where}: "${field}" ${why}`);
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ModelEntryError(`${where}: a model declaration must be a JSON object`);
	const m = raw as Record<string, unknown>;
	const text = (field: string, nullable = false): string | null => {
		const v = m[field];
		if (nullable && (v === null || v === undefined)) return null;
		if (typeof v !== 'string' || !v.trim()) throw bad(field, nullable ? 'must be text or null' : 'must be non-empty text');
		return v;
	};
	const oneOf = <T extends string>(field: string, allowed: readonly T[], value: unknown = m[field]): T => {
		if (!allowed.includes(value as T)) throw bad(field, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
		return value as T;
	};
	const fraction = (field: string, value: unknown): number => {
		if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw bad(field, `must be a share from 0 to 1 (got ${JSON.stringify(value)}; 70 % is 0.7)`);
		return value;
	};
	const id = text('id')!;
	if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw bad('id', `may hold only letters, digits, "_", "." and "-" (got "${id}")`);
	const upstreamUrl = text('upstreamUrl', true);
	const localDir = text('localDir', true);
	if (!upstreamUrl && !localDir) throw bad('upstreamUrl', 'is needed when there is no localDir: the weights must come from somewhere');
	if (upstreamUrl && !/\.(json|tflite)(\?.*)?$/.test(upstreamUrl) && !upstreamUrl.startsWith(BROWSER_STORE)) throw bad('upstreamUrl', `must point to a model.json or a .tflite file (got "${upstreamUrl}")`);
	const inputSize = m.inputSize;
	if (!Number.isInteger(inputSize) || (inputSize as number) < 16 || (inputSize as number) > 1024) throw bad('inputSize', `must be a whole number of px from 16 to 1024 (got ${JSON.stringify(inputSize)})`);
	const p = m.preprocessing as Record<string, unknown> | undefined;
	if (!p || typeof p !== 'object') throw bad('preprocessing', 'must be an object such as {"scale": "unit", "channels": "rgb"}');
	const scale = oneOf('preprocessing.scale', ['unit', 'symmetric', 'mean-std', 'raw'] as const, p.scale);
	const channels = oneOf('preprocessing.channels', ['rgb', 'bgr'] as const, p.channels);
	const triple = (field: string, v: unknown, positive: boolean) => {
		if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))) throw bad(field, `must be three ${positive ? 'positive ' : ''}numbers, one per channel`);
		return v as [number, number, number];
	};
	const preprocessing: Preprocessing = scale === 'mean-std' ? { scale, mean: triple('preprocessing.mean', p.mean, false), std: triple('preprocessing.std', p.std, true), channels } : { scale, channels };
	const order = m.outputOrder as Record<string, unknown> | undefined;
	const outputOrder = { kind: oneOf('outputOrder.kind', OUTPUT_KINDS, order?.kind) } as OutputOrder;
	const outputs = oneOf('outputs', ['logits', 'probabilities'] as const);
	const logitsLayer = text('logitsLayer', true);
	let demoAccuracy: DemoAccuracy | null = null;
	if (m.demoAccuracy !== null && m.demoAccuracy !== undefined) {
		const d = m.demoAccuracy as Record<string, unknown>;
		const minimum = (d.minimum ?? {}) as Record<string, unknown>;
		if (!Number.isInteger(d.photos) || (d.photos as number) < 1) throw bad('demoAccuracy.photos', 'must be the number of photos measured');
		if (typeof d.measured !== 'string') throw bad('demoAccuracy.measured', 'must be the date it was measured');
		demoAccuracy = {
			photos: d.photos as number,
			top1: fraction('demoAccuracy.top1', d.top1),
			animal: fraction('demoAccuracy.animal', d.animal),
			minimum: { top1: fraction('demoAccuracy.minimum.top1', minimum.top1), animal: fraction('demoAccuracy.minimum.animal', minimum.animal) },
			measured: d.measured
		};
	}
	return {
		id,
		name: text('name')!,
		family: oneOf('family', FAMILIES),
		format: oneOf('format', ['layers', 'graph', 'onnx-op-graph', 'tflite'] as const),
		upstreamUrl,
		localDir,
		inputSize: inputSize as number,
		preprocessing,
		outputOrder,
		outputs,
		logitsLayer,
		imagenetTop1: m.imagenetTop1 === null ? Number.NaN : fraction('imagenetTop1', m.imagenetTop1),
		license: text('license')!,
		upstream: text('upstream')!,
		demoAccuracy
	};
}

/** The built-in models: the zoo's files, checked. */
export const MODEL_REGISTRY: readonly ModelEntry[] = Object.entries({
	'darknet-tiny': darknetTiny,
	'mobilenet-v1-0.25': mobilenetV1025,
	'mobilenet-v1-0.75': mobilenetV1075,
	'squeezenet-1.1': squeezenet11,
	'squeezenet-1.0': squeezenet10,
	'mobilenet-v1-1.0-quant': mobilenetV110Quant,
	'mobilenet-v2-1.0-224-quant': mobilenetV2Quant,
	'mobilenet-v2-1.0-224-ptq': mobilenetV2Ptq,
	'mobilenet-v1-0.75-192-quant': mobilenetV1075192Quant,
	'mobilenet-v1-0.5-160-quant': mobilenetV105160Quant
}).map(([file, raw]) => {
	const entry = parseModelEntry(raw, `src/inference/zoo/${file}.json`);
	if (entry.id !== file) throw new ModelEntryError(`src/inference/zoo/${file}.json: "id" must equal the file's name (got "${entry.id}")`);
	return entry;
});

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
		upstream: options.upstream ?? url,
		demoAccuracy: null
	};
}
