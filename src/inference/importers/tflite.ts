/**
 * TFLite importer: a .tflite flatbuffer (float, or uint8/int8 quantized) becomes a differentiable
 * TF.js layers model of standard Keras layers, which saves as a TF.js model folder
 * (`folderSaveHandler`, model-folder.ts) and loads with `tf.loadLayersModel` like any
 * other model of the platform: no custom layer classes, no TFLite runtime.
 *
 * Numbers:
 * - Weights and biases are dequantized once, at import: f = (q - zero_point) * scale, with one
 *   scale and zero point per tensor, or per channel along the tensor's `quantized_dimension`
 *   (schema.fbs QuantizationParameters). Activations then run in float32; QUANTIZE and
 *   DEQUANTIZE are the identity in float. (The quantized runtime rounds each activation to its
 *   uint8/int8 grid; the float model does not, so the two differ by that rounding: on the demo
 *   photos the top-1 class agrees on about 89-91 of 93, see README.)
 * - The input: a quantized model takes raw integers (the Coral files: uint8 0..255 pixels). The
 *   float model takes the same raw values and its first layer (`input_dequantize`, a Rescaling
 *   layer) applies the input tensor's own quantization, x_float = (x - zero_point) * scale, so
 *   the model's input range is that of the integer type ([0, 255] for uint8); `inputRange` and
 *   `metadata.input` record it. A float file's input range is not known from the file (null).
 *
 * Layouts: TFLite CONV_2D filters are [out, h, w, in] (OHWI), TF.js wants [h, w, in, out];
 * DEPTHWISE_CONV_2D filters are [1, h, w, in * multiplier], TF.js wants [h, w, in, multiplier]
 * (the same order of elements: channel c, multiplier m at index c * multiplier + m);
 * FULLY_CONNECTED weights are [out, in], TF.js Dense wants [in, out]. SAME padding is TF's in
 * both (TFLite's padding.h computes TF's amounts), so the layers' 'same' is exact.
 */
import * as tf from '@tensorflow/tfjs';
import {
	arithmeticOptions, BuiltinOperator, concatenationOptions, conv2dOptions, depthwiseConv2dOptions,
	fullyConnectedOptions, pool2dOptions, readTflite, reducerOptions, reshapeOptions, softmaxOptions,
	TfliteFormatError, type Activation, type TfliteModel, type TfliteOperator, type TfliteSubgraph, type TfliteTensor
} from './tflite-schema.js';

export { TfliteFormatError };

/** An operator or a use of one that the importer cannot rebuild; the message names it and its index. */
export class TfliteImportError extends Error {}

/** The operators the importer rebuilds (BuiltinOperator names). */
export const SUPPORTED_OPERATORS = [
	'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'MEAN', 'ADD', 'MUL',
	'CONCATENATION', 'RESHAPE', 'PAD', 'SOFTMAX', 'RELU', 'RELU6', 'LOGISTIC', 'QUANTIZE', 'DEQUANTIZE'
] as const;

/** What an imported model is and how to feed it. `metadata` is the JSON written beside it (model.json userDefinedMetadata). */
export interface ImportedModel {
	/** The rebuilt network: standard Keras layers, differentiable w.r.t. its input. */
	model: tf.LayersModel;
	/** The input's shape without the batch dimension, e.g. [224, 224, 3]. */
	inputShape: number[];
	/** Height (= width) of a square image input [H, W, C]; null for any other input. */
	inputSize: number | null;
	/** The raw values the model takes: [0, 255] for a uint8 input, [-128, 127] for int8; null for a float input (the file does not say). */
	inputRange: [number, number] | null;
	/** The input quantization folded into the model's first layer (x - zeroPoint) * scale, or null. */
	inputQuantization: { scale: number; zeroPoint: number } | null;
	/** Values per example in the output, e.g. 1001. */
	outputCount: number;
	/** 1001 outputs: TF-slim's background class at index 0, then the 1000 ImageNet classes (the registry's 'background-first' order). */
	backgroundFirst: boolean;
	/** 'probabilities' when the graph ends in SOFTMAX (possibly followed by QUANTIZE), else 'logits'. */
	outputs: 'logits' | 'probabilities';
	/** For probabilities: the layer whose output is the softmax's input (named `logits`), for saliency. */
	logitsLayer: string | null;
	metadata: TfliteImportMetadata;
}

export interface TfliteImportMetadata {
	importer: 'tflite';
	schema_version: number;
	description: string;
	/** Operator counts by name. */
	operators: Record<string, number>;
	/** Constant tensors dequantized to float32, by their stored type. */
	dequantized: Record<string, number>;
	parameters: number;
	input: {
		name: string;
		shape: number[];
		type: string;
		quantization: { scale: number; zero_point: number } | null;
		range: [number, number] | null;
		/** In words: what the model takes and what its first layer does with it. */
		preprocessing: string;
	};
	output: { name: string; shape: number[]; type: string; count: number; kind: 'logits' | 'probabilities'; background_first: boolean; logits_layer: string | null };
}

/** Reads a .tflite file and rebuilds it as a TF.js layers model. Throws TfliteFormatError (bad file) or TfliteImportError (unsupported content). */
export async function importTflite(bytes: Uint8Array): Promise<ImportedModel> {
	const file = readTflite(bytes);
	if (file.subgraphs.length === 0) throw new TfliteImportError('the TFLite file has no subgraph to import');
	const builder = new GraphBuilder(file, file.subgraphs[0]!);
	try {
		return builder.build();
	} catch (error) {
		builder.disposeWeights(); // a refused import leaves no tensors behind
		throw error;
	}
}

type Value =
	| { kind: 'symbolic'; t: tf.SymbolicTensor; shape: number[] }
	| { kind: 'constant'; values: Float32Array; shape: number[] };

const ACTIVATION_IDENTIFIERS: Partial<Record<Activation, 'relu' | 'relu6' | 'tanh'>> = { RELU: 'relu', RELU6: 'relu6', TANH: 'tanh' };
const INTEGER_RANGES: Record<string, [number, number]> = { UINT8: [0, 255], INT8: [-128, 127], INT16: [-32768, 32767] };

class GraphBuilder {
	private readonly values = new Map<number, Value>();
	private readonly names = new Set<string>();
	private readonly layers: tf.layers.Layer[] = [];
	private readonly dequantized: Record<string, number> = {};
	/** Op index whose last layer takes the name `logits` (the producer of the softmax's input). */
	private logitsOp = -1;
	private logitsLayer: string | null = null;

	constructor(private readonly file: TfliteModel, private readonly graph: TfliteSubgraph) {}

	build(): ImportedModel {
		const g = this.graph;
		if (g.inputs.length !== 1) throw new TfliteImportError(`the TFLite model has ${g.inputs.length} inputs; the importer takes models with one image input`);
		if (g.outputs.length !== 1) throw new TfliteImportError(`the TFLite model has ${g.outputs.length} outputs; the importer takes models with one output`);
		const inputTensor = this.tensor(g.inputs[0]!);
		const outputTensor = this.tensor(g.outputs[0]!);
		if (inputTensor.shape.length < 2) throw new TfliteImportError(`the input tensor "${inputTensor.name}" has shape [${inputTensor.shape}]; it needs a batch dimension and at least one more`);

		// the input, with its quantization folded in
		const inputShape = inputTensor.shape.slice(1);
		const input = tf.input({ shape: inputShape, name: 'input' });
		const range = INTEGER_RANGES[inputTensor.type] ?? null;
		let inputQuantization: ImportedModel['inputQuantization'] = null;
		let x: tf.SymbolicTensor = input;
		if (inputTensor.type !== 'FLOAT32') {
			const q = inputTensor.quantization;
			if (!range || !q) throw new TfliteImportError(`the input tensor "${inputTensor.name}" is ${inputTensor.type}${q ? '' : ' without quantization parameters'}; the importer takes float32 or quantized uint8/int8/int16 inputs`);
			if (q.scale.length !== 1) throw new TfliteImportError(`the input tensor "${inputTensor.name}" is quantized per channel; the importer takes one scale and zero point for the input`);
			inputQuantization = { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0]! };
			// x_float = (x - zero_point) * scale = x * scale + (-zero_point * scale)
			x = this.unique(tf.layers.rescaling({ name: 'input_dequantize', scale: inputQuantization.scale, offset: -inputQuantization.zeroPoint * inputQuantization.scale })).apply(input) as tf.SymbolicTensor;
		}
		this.values.set(inputTensor.index, { kind: 'symbolic', t: x, shape: inputTensor.shape });

		// which op's output are the logits (the input of a final SOFTMAX)
		const producer = new Map<number, TfliteOperator>();
		for (const op of g.operators) for (const t of op.outputs) producer.set(t, op);
		const identity = (op: TfliteOperator | undefined) => op && (op.code === BuiltinOperator.QUANTIZE || op.code === BuiltinOperator.DEQUANTIZE);
		let last = producer.get(outputTensor.index);
		while (identity(last)) last = producer.get(last!.inputs[0]!);
		const outputs: 'logits' | 'probabilities' = last?.code === BuiltinOperator.SOFTMAX ? 'probabilities' : 'logits';
		if (last && outputs === 'probabilities') {
			let logits = producer.get(last.inputs[0]!);
			while (identity(logits)) logits = producer.get(logits!.inputs[0]!);
			if (logits) this.logitsOp = logits.index;
		}

		for (const op of g.operators) {
			try {
				this.operator(op);
			} catch (error) {
				if (error instanceof TfliteImportError || error instanceof TfliteFormatError) throw error;
				throw new TfliteImportError(`operator ${op.index} (${op.name}) could not be rebuilt: ${(error as Error).message}`);
			}
		}

		const out = this.values.get(outputTensor.index);
		if (!out || out.kind !== 'symbolic') throw new TfliteImportError(`the output tensor "${outputTensor.name}" is not computed from the input by the model's operators`);
		const model = tf.model({ inputs: input, outputs: out.t, name: sanitize(g.name || 'tflite_model') });
		const outputCount = out.shape.slice(1).reduce((a, b) => a * b, 1);
		const inputSize = inputShape.length === 3 && inputShape[0] === inputShape[1] ? inputShape[0]! : null;
		const backgroundFirst = outputCount === 1001;
		const operators: Record<string, number> = {};
		for (const op of g.operators) operators[op.name] = (operators[op.name] ?? 0) + 1;
		const logitsLayer = outputs === 'probabilities' ? this.logitsLayer : null;
		const metadata: TfliteImportMetadata = {
			importer: 'tflite',
			schema_version: this.file.version,
			description: this.file.description,
			operators,
			dequantized: { ...this.dequantized },
			parameters: model.countParams(),
			input: {
				name: inputTensor.name,
				shape: inputTensor.shape,
				type: inputTensor.type,
				quantization: inputQuantization && { scale: inputQuantization.scale, zero_point: inputQuantization.zeroPoint },
				range,
				preprocessing: inputQuantization
					? `raw ${inputTensor.type.toLowerCase()} values in [${range![0]}, ${range![1]}] (as the TFLite file takes them, e.g. 0..255 pixels); the first layer, input_dequantize, computes (x - ${inputQuantization.zeroPoint}) * ${inputQuantization.scale}`
					: 'float32 as the TFLite file takes it; the file does not say how it was scaled'
			},
			output: { name: outputTensor.name, shape: outputTensor.shape, type: outputTensor.type, count: outputCount, kind: outputs, background_first: backgroundFirst, logits_layer: logitsLayer }
		};
		model.setUserDefinedMetadata({ tflite: metadata });
		return { model, inputShape, inputSize, inputRange: range, inputQuantization, outputCount, backgroundFirst, outputs, logitsLayer, metadata };
	}

	disposeWeights(): void {
		for (const layer of this.layers) for (const w of layer.weights) w.dispose();
	}

	// ---- one operator ----

	private operator(op: TfliteOperator): void {
		const c = BuiltinOperator;
		switch (op.code) {
			case c.CONV_2D: return this.conv2d(op);
			case c.DEPTHWISE_CONV_2D: return this.depthwiseConv2d(op);
			case c.FULLY_CONNECTED: return this.fullyConnected(op);
			case c.AVERAGE_POOL_2D:
			case c.MAX_POOL_2D: return this.pool(op);
			case c.MEAN: return this.mean(op);
			case c.ADD:
			case c.MUL: return this.arithmetic(op);
			case c.CONCATENATION: return this.concatenation(op);
			case c.RESHAPE: return this.reshape(op);
			case c.PAD: return this.pad(op);
			case c.SOFTMAX: {
				const { beta } = softmaxOptions(op.options);
				if (Math.abs(beta - 1) > 1e-6) throw this.unsupported(op, `SOFTMAX with beta ${beta} (only beta 1 is supported)`);
				return this.emit(op, tf.layers.softmax({ name: this.name(op), axis: -1 }), [this.symbolic(op, 0)]);
			}
			case c.RELU:
			case c.RELU6:
			case c.LOGISTIC: {
				const activation = op.code === c.RELU ? 'relu' : op.code === c.RELU6 ? 'relu6' : 'sigmoid';
				return this.emit(op, tf.layers.activation({ name: this.name(op), activation }), [this.symbolic(op, 0)]);
			}
			case c.QUANTIZE:
			case c.DEQUANTIZE: {
				// identity in float: a constant (e.g. float16 or int8 weights behind DEQUANTIZE) stays a constant
				const v = this.value(op, 0);
				this.values.set(op.outputs[0]!, v);
				return;
			}
			default:
				throw new TfliteImportError(
					`operator ${op.index} (${op.name}) is not supported by the TFLite importer; it rebuilds ${SUPPORTED_OPERATORS.join(', ')}`
				);
		}
	}

	private conv2d(op: TfliteOperator): void {
		const o = conv2dOptions(op.options);
		const x = this.symbolic(op, 0, 4);
		const w = this.constant(op, 1, 4); // [out, h, w, in]
		const [outC, kh, kw, inC] = w.shape as [number, number, number, number];
		if (inC !== x.shape[3]) throw this.unsupported(op, `CONV_2D whose filter takes ${inC} channels from a ${x.shape[3]}-channel input (grouped convolution)`);
		const bias = this.optionalConstant(op, 2, outC);
		const layer = tf.layers.conv2d({
			name: this.name(op), filters: outC, kernelSize: [kh, kw], strides: [o.strideH, o.strideW], padding: o.padding,
			dilationRate: [o.dilationH, o.dilationW], activation: this.activation(op, o.activation), useBias: bias !== null, kernelInitializer: 'zeros'
		});
		const kernel = transpose(w.values, w.shape, [1, 2, 3, 0]); // OHWI -> HWIO
		this.emit(op, layer, [x], [[kernel, [kh, kw, inC, outC]], ...(bias ? [[bias, [outC]] as Weight] : [])]);
	}

	private depthwiseConv2d(op: TfliteOperator): void {
		const o = depthwiseConv2dOptions(op.options);
		const x = this.symbolic(op, 0, 4);
		const w = this.constant(op, 1, 4); // [1, h, w, in * multiplier]
		const [one, kh, kw, total] = w.shape as [number, number, number, number];
		const inC = x.shape[3]!;
		if (one !== 1 || total % inC !== 0) throw this.unsupported(op, `DEPTHWISE_CONV_2D filter of shape [${w.shape}] on a ${inC}-channel input`);
		const multiplier = total / inC;
		const bias = this.optionalConstant(op, 2, total);
		const layer = tf.layers.depthwiseConv2d({
			name: this.name(op), kernelSize: [kh, kw], depthMultiplier: multiplier, strides: [o.strideH, o.strideW], padding: o.padding,
			dilationRate: [o.dilationH, o.dilationW], activation: this.activation(op, o.activation), useBias: bias !== null, depthwiseInitializer: 'zeros'
		});
		// [1, h, w, in*m] and [h, w, in, m] hold the elements in the same order
		this.emit(op, layer, [x], [[w.values, [kh, kw, inC, multiplier]], ...(bias ? [[bias, [total]] as Weight] : [])]);
	}

	private fullyConnected(op: TfliteOperator): void {
		const o = fullyConnectedOptions(op.options);
		if (o.weightsFormat !== 0) throw this.unsupported(op, 'FULLY_CONNECTED with shuffled weights (weights_format SHUFFLED4x16INT8)');
		let x = this.symbolic(op, 0);
		const w = this.constant(op, 1, 2); // [out, in]
		const [outC, inC] = w.shape as [number, number];
		const bias = this.optionalConstant(op, 2, outC);
		const last = x.shape[x.shape.length - 1];
		if (!o.keepNumDims && x.shape.length !== 2) {
			const perExample = x.shape.slice(1).reduce((a, b) => a * b, 1);
			if (perExample !== inC) throw this.unsupported(op, `FULLY_CONNECTED on an input of shape [${x.shape}] with weights for ${inC} inputs (folding spatial positions into the batch)`);
			const flat = this.unique(tf.layers.reshape({ name: this.name(op, 'flatten'), targetShape: [inC] })).apply(x.t) as tf.SymbolicTensor;
			x = { kind: 'symbolic', t: flat, shape: [x.shape[0]!, inC] };
		} else if (last !== inC) {
			throw this.unsupported(op, `FULLY_CONNECTED on an input of shape [${x.shape}] with weights for ${inC} inputs`);
		}
		const layer = tf.layers.dense({ name: this.name(op), units: outC, activation: this.activation(op, o.activation), useBias: bias !== null, kernelInitializer: 'zeros' });
		this.emit(op, layer, [x], [[transpose(w.values, w.shape, [1, 0]), [inC, outC]], ...(bias ? [[bias, [outC]] as Weight] : [])]);
	}

	private pool(op: TfliteOperator): void {
		const o = pool2dOptions(op.options);
		const x = this.symbolic(op, 0, 4);
		const args = { poolSize: [o.filterH, o.filterW] as [number, number], strides: [o.strideH, o.strideW] as [number, number], padding: o.padding };
		const activation = this.activation(op, o.activation);
		const name = this.name(op, activation ? 'pool' : undefined);
		const layer = op.code === BuiltinOperator.MAX_POOL_2D ? tf.layers.maxPooling2d({ name, ...args }) : tf.layers.averagePooling2d({ name, ...args });
		this.emitChain(op, [layer, ...(activation ? [tf.layers.activation({ name: this.name(op), activation })] : [])], x);
	}

	private mean(op: TfliteOperator): void {
		const x = this.symbolic(op, 0);
		const axes = this.integers(op, 1).map((a) => (a < 0 ? a + x.shape.length : a)).sort();
		const { keepDims } = reducerOptions(op.options);
		if (x.shape.length !== 4 || axes.join() !== '1,2') throw this.unsupported(op, `MEAN over axes [${axes}] of a rank-${x.shape.length} tensor (only the spatial mean, axes 1 and 2 of NHWC, is supported)`);
		const channels = x.shape[3]!;
		const pool = tf.layers.globalAveragePooling2d({ name: this.name(op, keepDims ? 'mean' : undefined) });
		this.emitChain(op, [pool, ...(keepDims ? [tf.layers.reshape({ name: this.name(op), targetShape: [1, 1, channels] })] : [])], x);
	}

	private arithmetic(op: TfliteOperator): void {
		const isAdd = op.code === BuiltinOperator.ADD;
		const { activation: fused } = arithmeticOptions(op.options);
		const activation = this.activation(op, fused);
		const a = this.value(op, 0);
		const b = this.value(op, 1);
		if (a.kind === 'symbolic' && b.kind === 'symbolic') {
			if (a.shape.join() !== b.shape.join()) throw this.unsupported(op, `${op.name} of tensors of shapes [${a.shape}] and [${b.shape}] (broadcasting between two computed tensors)`);
			const name = this.name(op, activation ? 'sum' : undefined);
			const merge = isAdd ? tf.layers.add({ name }) : tf.layers.multiply({ name });
			const merged = this.unique(merge).apply([a.t, b.t]) as tf.SymbolicTensor;
			this.emitChain(op, activation ? [tf.layers.activation({ name: this.name(op), activation })] : [], { kind: 'symbolic', t: merged, shape: a.shape });
			return;
		}
		const [x, k] = a.kind === 'symbolic' ? [a, b] : [b, a];
		if (x.kind !== 'symbolic' || k.kind !== 'constant') throw this.unsupported(op, `${op.name} of two constants`);
		// a constant per channel (or a scalar), as a per-channel affine layer: y = x * scale + offset
		const channels = x.shape[x.shape.length - 1]!;
		const perChannel = k.values.length === channels && k.shape.slice(0, -1).every((d) => d === 1) && k.shape.length <= x.shape.length;
		if (!perChannel && k.values.length !== 1) throw this.unsupported(op, `${op.name} of a [${x.shape}] tensor and a constant of shape [${k.shape}] (only scalars and per-channel constants are supported)`);
		const constant = Float32Array.from({ length: channels }, (_, i) => k.values[k.values.length === 1 ? 0 : i]!);
		const ones = new Float32Array(channels).fill(1);
		this.channelAffine(op, x, isAdd ? ones : constant, isAdd ? constant : new Float32Array(channels), activation);
	}

	/** y = x * scale[c] + offset[c] over the last axis: a 1x1 depthwise convolution (NHWC) or a diagonal Dense (rank 2). */
	private channelAffine(op: TfliteOperator, x: Extract<Value, { kind: 'symbolic' }>, scale: Float32Array, offset: Float32Array, activation: ReturnType<GraphBuilder['activation']>): void {
		const c = scale.length;
		if (x.shape.length === 4) {
			const layer = tf.layers.depthwiseConv2d({ name: this.name(op), kernelSize: 1, depthMultiplier: 1, useBias: true, activation, depthwiseInitializer: 'zeros' });
			this.emit(op, layer, [x], [[scale, [1, 1, c, 1]], [offset, [c]]]);
		} else if (x.shape.length === 2) {
			const diagonal = new Float32Array(c * c);
			for (let i = 0; i < c; i++) diagonal[i * c + i] = scale[i]!;
			const layer = tf.layers.dense({ name: this.name(op), units: c, useBias: true, activation, kernelInitializer: 'zeros' });
			this.emit(op, layer, [x], [[diagonal, [c, c]], [offset, [c]]]);
		} else {
			throw this.unsupported(op, `${op.name} with a constant on a rank-${x.shape.length} tensor (ranks 2 and 4 are supported)`);
		}
	}

	private concatenation(op: TfliteOperator): void {
		const o = concatenationOptions(op.options);
		const inputs = op.inputs.map((_, i) => this.symbolic(op, i));
		const rank = inputs[0]!.shape.length;
		const axis = o.axis < 0 ? o.axis + rank : o.axis;
		if (axis === 0) throw this.unsupported(op, 'CONCATENATION along the batch axis');
		const activation = this.activation(op, o.activation);
		const concat = this.unique(tf.layers.concatenate({ name: this.name(op, activation ? 'concat' : undefined), axis })).apply(inputs.map((v) => v.t)) as tf.SymbolicTensor;
		const shape = [...inputs[0]!.shape];
		shape[axis] = inputs.reduce((sum, v) => sum + v.shape[axis]!, 0);
		this.emitChain(op, activation ? [tf.layers.activation({ name: this.name(op), activation })] : [], { kind: 'symbolic', t: concat, shape });
	}

	private reshape(op: TfliteOperator): void {
		const x = this.symbolic(op, 0);
		const out = this.tensor(op.outputs[0]!);
		let shape = out.shape;
		if (shape.length === 0) shape = reshapeOptions(op.options).newShape;
		if (shape.length === 0 && op.inputs.length > 1 && op.inputs[1]! >= 0) shape = this.integers(op, 1);
		const perExample = x.shape.slice(1).reduce((a, b) => a * b, 1);
		let target = shape.slice(1);
		if (target.includes(-1)) {
			const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
			target = target.map((d) => (d === -1 ? perExample / known : d));
		}
		if (shape.length === 0 || target.reduce((a, b) => a * b, 1) !== perExample) {
			throw this.unsupported(op, `RESHAPE of [${x.shape}] to [${shape}] (the first dimension must stay the batch)`);
		}
		this.emit(op, tf.layers.reshape({ name: this.name(op), targetShape: target }), [x], [], [x.shape[0]!, ...target]);
	}

	private pad(op: TfliteOperator): void {
		const x = this.symbolic(op, 0, 4);
		const p = this.integers(op, 1); // [[before, after] per dimension], row-major
		const [b0, b1, t, b, l, r, c0, c1] = p;
		if (p.length !== 8 || b0 || b1 || c0 || c1) throw this.unsupported(op, `PAD with paddings [${p}] (only height and width of an NHWC tensor are supported)`);
		// quantized PAD fills with the zero point, which is 0 in float
		this.emit(op, tf.layers.zeroPadding2d({ name: this.name(op), padding: [[t!, b!], [l!, r!]] }), [x]);
	}

	// ---- layers and values ----

	/** Applies `layer` to the inputs, sets its weights, records the op's output. */
	private emit(op: TfliteOperator, layer: tf.layers.Layer, inputs: Extract<Value, { kind: 'symbolic' }>[], weights: Weight[] = [], shape?: number[]): void {
		const out = this.unique(layer).apply(inputs.length === 1 ? inputs[0]!.t : inputs.map((v) => v.t)) as tf.SymbolicTensor;
		if (weights.length) tf.tidy(() => layer.setWeights(weights.map(([values, s]) => tf.tensor(values, s, 'float32'))));
		const outShape = shape ?? [inputs[0]!.shape[0]!, ...(out.shape.slice(1) as number[])];
		this.record(op, out, outShape);
	}

	/** Applies layers one after another (none: the value itself is the op's output). */
	private emitChain(op: TfliteOperator, layers: tf.layers.Layer[], x: Extract<Value, { kind: 'symbolic' }>): void {
		let t = x.t;
		for (const layer of layers) t = this.unique(layer).apply(t) as tf.SymbolicTensor;
		this.record(op, t, [x.shape[0]!, ...(t.shape.slice(1) as number[])]);
	}

	private record(op: TfliteOperator, t: tf.SymbolicTensor, shape: number[]): void {
		const declared = this.tensor(op.outputs[0]!).shape;
		if (declared.length > 0 && declared.join() !== shape.join()) {
			throw new TfliteImportError(`operator ${op.index} (${op.name}) gives shape [${shape}] in TF.js but the file declares [${declared}] for its output "${this.tensor(op.outputs[0]!).name}"`);
		}
		if (op.index === this.logitsOp) this.logitsLayer = t.sourceLayer.name;
		this.values.set(op.outputs[0]!, { kind: 'symbolic', t, shape });
	}

	private unique(layer: tf.layers.Layer): tf.layers.Layer {
		if (this.names.has(layer.name)) throw new TfliteImportError(`two layers would be named "${layer.name}"`);
		this.names.add(layer.name);
		this.layers.push(layer);
		return layer;
	}

	/** A layer name from the op's first output tensor name and its index; the op's last layer is `logits` when it produces the softmax's input. */
	private name(op: TfliteOperator, part?: string): string {
		if (!part && op.index === this.logitsOp) return 'logits';
		const tensorName = (this.tensor(op.outputs[0]!).name.split(';')[0] ?? '').slice(0, 80);
		return `${sanitize(tensorName) || op.name.toLowerCase()}_${op.index}${part ? `_${part}` : ''}`;
	}

	private activation(op: TfliteOperator, fused: Activation): 'relu' | 'relu6' | 'tanh' | undefined {
		if (fused === 'NONE') return undefined;
		const id = ACTIVATION_IDENTIFIERS[fused];
		if (!id) throw this.unsupported(op, `${op.name} with the fused activation ${fused}`);
		return id;
	}

	private unsupported(op: TfliteOperator, what: string): TfliteImportError {
		return new TfliteImportError(`operator ${op.index} (${op.name}): ${what} is not supported by the TFLite importer`);
	}

	private tensor(index: number): TfliteTensor {
		const t = this.graph.tensors[index];
		if (!t) throw new TfliteFormatError(`tensor ${index} does not exist (the subgraph has ${this.graph.tensors.length})`);
		return t;
	}

	private value(op: TfliteOperator, i: number): Value {
		const index = op.inputs[i];
		if (index === undefined || index < 0) throw new TfliteImportError(`operator ${op.index} (${op.name}) lacks its input ${i}`);
		const known = this.values.get(index);
		if (known) return known;
		const t = this.tensor(index);
		const data = this.file.buffers[t.buffer]!;
		if (data.length === 0) throw new TfliteImportError(`operator ${op.index} (${op.name}) reads tensor "${t.name}", which neither the input nor an earlier operator computes and which holds no data`);
		const v: Value = { kind: 'constant', values: this.dequantize(t, data), shape: t.shape };
		this.values.set(index, v);
		return v;
	}

	private symbolic(op: TfliteOperator, i: number, rank?: number): Extract<Value, { kind: 'symbolic' }> {
		const v = this.value(op, i);
		if (v.kind !== 'symbolic') throw this.unsupported(op, `${op.name} whose input ${i} is a constant`);
		if (rank !== undefined && v.shape.length !== rank) throw this.unsupported(op, `${op.name} on a rank-${v.shape.length} input [${v.shape}] (it needs rank ${rank})`);
		return v;
	}

	private constant(op: TfliteOperator, i: number, rank?: number): Extract<Value, { kind: 'constant' }> {
		const v = this.value(op, i);
		if (v.kind !== 'constant') throw this.unsupported(op, `${op.name} whose input ${i} (weights) is computed at run time`);
		if (rank !== undefined && v.shape.length !== rank) throw new TfliteImportError(`operator ${op.index} (${op.name}): its input ${i} has shape [${v.shape}], not rank ${rank}`);
		return v;
	}

	private optionalConstant(op: TfliteOperator, i: number, length: number): Float32Array | null {
		const index = op.inputs[i];
		if (index === undefined || index < 0) return null;
		const v = this.constant(op, i);
		if (v.values.length !== length) throw new TfliteImportError(`operator ${op.index} (${op.name}): its bias has ${v.values.length} values for ${length} output channels`);
		return v.values;
	}

	/** An integer constant (axes, paddings, shapes), read as stored. */
	private integers(op: TfliteOperator, i: number): number[] {
		const index = op.inputs[i];
		const t = index === undefined || index < 0 ? undefined : this.tensor(index);
		const data = t && this.file.buffers[t.buffer];
		if (!t || !data || data.length === 0 || (t.type !== 'INT32' && t.type !== 'INT64')) {
			throw this.unsupported(op, `${op.name} whose input ${i} is not a constant int32/int64 tensor`);
		}
		return t.type === 'INT32' ? Array.from(readInts(data, 4, t.name), Number) : Array.from(readInts(data, 8, t.name), Number);
	}

	/** Constant data as float32: raw floats, or f = (q - zero_point) * scale per tensor or per channel. */
	private dequantize(t: TfliteTensor, data: Uint8Array): Float32Array {
		const count = t.shape.reduce((a, b) => a * b, 1);
		const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
		const sizes: Partial<Record<string, number>> = { FLOAT32: 4, FLOAT16: 2, UINT8: 1, INT8: 1, INT16: 2, INT32: 4, INT64: 8 };
		const size = sizes[t.type];
		if (!size) throw new TfliteImportError(`constant tensor "${t.name}" is of type ${t.type}, which the importer does not read`);
		if (data.length !== count * size) throw new TfliteFormatError(`constant tensor "${t.name}" of shape [${t.shape}] and type ${t.type} needs ${count * size} bytes but its buffer has ${data.length}`);
		const raw = new Float64Array(count);
		for (let i = 0; i < count; i++) {
			const o = i * size;
			switch (t.type) {
				case 'FLOAT32': raw[i] = view.getFloat32(o, true); break;
				case 'FLOAT16': raw[i] = float16(view.getUint16(o, true)); break;
				case 'UINT8': raw[i] = view.getUint8(o); break;
				case 'INT8': raw[i] = view.getInt8(o); break;
				case 'INT16': raw[i] = view.getInt16(o, true); break;
				case 'INT32': raw[i] = view.getInt32(o, true); break;
				default: raw[i] = Number(view.getBigInt64(o, true));
			}
		}
		const q = t.quantization;
		const isFloat = t.type === 'FLOAT32' || t.type === 'FLOAT16';
		if (isFloat || !q) {
			if (!isFloat) throw new TfliteImportError(`constant tensor "${t.name}" is ${t.type} without quantization parameters, so its float values are unknown`);
			return Float32Array.from(raw);
		}
		this.dequantized[t.type] = (this.dequantized[t.type] ?? 0) + 1;
		const channels = q.scale.length;
		// per channel: element i belongs to channel (i / inner) mod shape[dimension], inner = product of the later dimensions
		const inner = channels > 1 ? t.shape.slice(q.dimension + 1).reduce((a, b) => a * b, 1) : 1;
		if (channels > 1 && t.shape[q.dimension] !== channels) {
			throw new TfliteFormatError(`constant tensor "${t.name}" has ${channels} scales for dimension ${q.dimension} of shape [${t.shape}]`);
		}
		const out = new Float32Array(count);
		for (let i = 0; i < count; i++) {
			const c = channels > 1 ? Math.floor(i / inner) % channels : 0;
			out[i] = (raw[i]! - (q.zeroPoint[c] ?? 0)) * q.scale[c]!;
		}
		return out;
	}
}

type Weight = [Float32Array, number[]];

function readInts(data: Uint8Array, size: 4 | 8, name: string): (number | bigint)[] {
	if (data.length % size !== 0) throw new TfliteFormatError(`integer tensor "${name}" has ${data.length} bytes, not a multiple of ${size}`);
	const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
	return Array.from({ length: data.length / size }, (_, i) => (size === 4 ? view.getInt32(i * 4, true) : view.getBigInt64(i * 8, true)));
}

/** IEEE 754 half precision to a number. */
function float16(h: number): number {
	const sign = h & 0x8000 ? -1 : 1;
	const exponent = (h >> 10) & 0x1f;
	const fraction = h & 0x3ff;
	if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
	if (exponent === 31) return fraction ? Number.NaN : sign * Infinity;
	return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Permutes the axes of a row-major array: out's axis i is in's axis perm[i]. */
export function transpose(values: Float32Array, shape: number[], perm: number[]): Float32Array {
	const rank = shape.length;
	const outShape = perm.map((p) => shape[p]!);
	const inStrides = strides(shape);
	const out = new Float32Array(values.length);
	const index = new Array<number>(rank).fill(0);
	for (let o = 0; o < values.length; o++) {
		let source = 0;
		for (let d = 0; d < rank; d++) source += index[d]! * inStrides[perm[d]!]!;
		out[o] = values[source]!;
		for (let d = rank - 1; d >= 0; d--) {
			if (++index[d]! < outShape[d]!) break;
			index[d] = 0;
		}
	}
	return out;
}

function strides(shape: number[]): number[] {
	const s = new Array<number>(shape.length).fill(1);
	for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
	return s;
}

function sanitize(name: string): string {
	return name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
}
