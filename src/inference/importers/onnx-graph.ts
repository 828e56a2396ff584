/**
 * An imported ONNX graph, executed with TensorFlow.js ops: the "op graph" model that
 * `importOnnx` (onnx.ts) returns and `loadOnnxGraphModel` loads back, in the browser and in Node.
 *
 * Format. The graph is kept as ONNX wrote it: its nodes (operator type, name, inputs, outputs,
 * attributes as plain JSON) in a `model.json` whose `format` is `onnx-op-graph`, and its constants
 * (initializers and Constant nodes) as TF.js weights (float32, or int32 for ONNX's integer
 * tensors). It travels through TF.js's own IO handlers (`model.save(handler)`, `tf.io.http`,
 * IndexedDB, a folder in Node), like a layers or graph model.
 *
 * Layout. ONNX image models are NCHW; TF.js convolutions and pools are NHWC. The model takes the
 * platform's NHWC input ([N, H, W, C]) and keeps every 4-D activation in NHWC from there on: each
 * value carries a flag saying whether its tensor is an ONNX NCHW tensor stored as NHWC. Conv, pools,
 * BatchNormalization, the element-wise ops, Concat, Split, Slice and ReduceMean work on the NHWC
 * tensor directly (their channel axis remapped: ONNX axis a is NHWC axis `NHWC_AXIS[a]`); any other
 * op first gets the tensor back in ONNX's layout (one transpose) and then follows ONNX's semantics
 * exactly. Constants that meet an NHWC value in an element-wise op are broadcast to rank 4 and
 * transposed the same way. So CNNs run on native NHWC kernels and transformers, which have no 4-D
 * activations after their patch embedding, run in ONNX's layout.
 *
 * Shapes. Integer values (Shape's output, Reshape targets, Slice and Gather indices) stay plain JS
 * numbers ("host" values) and are worked out when the graph runs, so the batch size is free and
 * `x.view(x.size(0), -1)`-style shape arithmetic works without a second pass.
 *
 * Gradients. Every op is a TF.js op, so `tf.grad(x => model.predict(x))` is the gradient of the
 * output w.r.t. the NHWC input (saliency), on any backend.
 */
import * as tf from '@tensorflow/tfjs';

export const ONNX_GRAPH_FORMAT = 'onnx-op-graph';

/** A small tensor attribute (e.g. ConstantOfShape's value), kept inline. */
export interface TensorAttribute {
	dims: number[];
	data: number[];
	dtype: 'float32' | 'int32';
}

export type AttributeValue = number | string | number[] | string[] | TensorAttribute;

export interface OnnxGraphNode {
	op: string;
	/** The node's name in the ONNX file, or `#<index>` when it had none. */
	name: string;
	/** Value names; '' marks an optional input left out. */
	inputs: string[];
	outputs: string[];
	attributes: Record<string, AttributeValue>;
}

export interface OnnxGraphTopology {
	format: typeof ONNX_GRAPH_FORMAT;
	version: 1;
	/** The default-domain opset the graph was written for (11..17). */
	opset: number;
	input: {
		name: string;
		/** The ONNX input shape, batch first; null for a free dimension. */
		shape: (number | null)[];
		/** NCHW: the model transposes nothing, it keeps the NHWC input as the NCHW tensor it stands for. NHWC: the input is used as it comes. */
		layout: 'NCHW' | 'NHWC';
	};
	/** The graph's outputs; `predict` returns the first. */
	outputs: string[];
	nodes: OnnxGraphNode[];
}

/** A value while the graph runs: a tensor (with its layout flag) or a small integer/float array kept in JS. */
interface Value {
	tensor: tf.Tensor | null;
	/** true: `tensor` is the NHWC storage of a rank-4 ONNX NCHW tensor. */
	nhwc: boolean;
	host: { data: number[]; shape: number[]; dtype: 'int32' | 'float32' } | null;
	/** the ONNX-layout form of an NHWC tensor, made once when asked for */
	onnxForm?: tf.Tensor;
}

/** ONNX axis (NCHW) -> the axis of the NHWC tensor holding it. */
export const NHWC_AXIS = [0, 3, 1, 2] as const;
const TO_NHWC = [0, 2, 3, 1];
const TO_NCHW = [0, 3, 1, 2];

export class OnnxGraphError extends Error {}

/** Constants small enough to keep as JS numbers too (shape arithmetic, exponents, clip bounds). */
const HOST_LIMIT = 64;

export class OnnxGraphModel {
	readonly topology: OnnxGraphTopology;
	private readonly weights: tf.NamedTensorMap;
	private readonly constants = new Map<string, Value>();
	/** tensors made from constants once, owned by the model (transposed filters, folded batch norms) */
	private readonly prepared = new Map<string, tf.Tensor>();
	/** value name -> index of the last node that reads it: its tensors are freed right after that node */
	private readonly lastUse = new Map<string, number>();
	private disposed = false;

	constructor(topology: OnnxGraphTopology, weights: tf.NamedTensorMap) {
		if (topology.format !== ONNX_GRAPH_FORMAT) throw new OnnxGraphError(`this is not an imported ONNX graph (format "${topology.format}", expected "${ONNX_GRAPH_FORMAT}")`);
		this.topology = topology;
		this.weights = weights;
		for (const [name, tensor] of Object.entries(weights)) {
			const small = tensor.size <= HOST_LIMIT;
			this.constants.set(name, {
				tensor,
				nhwc: false,
				host: tensor.dtype === 'int32' || small ? { data: Array.from(tensor.dataSync()), shape: tensor.shape.slice(), dtype: tensor.dtype === 'int32' ? 'int32' : 'float32' } : null
			});
		}
		topology.nodes.forEach((node, index) => {
			if (!(node.op in OPS)) throw new OnnxGraphError(`node "${node.name}" has operator type "${node.op}", which the ONNX importer does not support`);
			for (const name of node.inputs) this.lastUse.set(name, index);
		});
	}

	/** The NHWC input [N, H, W, C] -> the graph's first output (in ONNX's layout). */
	predict(x: tf.Tensor): tf.Tensor {
		return this.execute(x, [this.topology.outputs[0]!])[0]!;
	}

	/** Runs the graph up to the named values (any node output, e.g. for layer activations) and returns them in ONNX's layout. */
	execute(x: tf.Tensor, outputs: string[] = this.topology.outputs): tf.Tensor[] {
		if (this.disposed) throw new OnnxGraphError('this model has been disposed');
		const { input } = this.topology;
		if (x.rank !== 4) throw new OnnxGraphError(`the model takes a 4-D NHWC image batch, not a tensor of shape [${x.shape.join(', ')}]`);
		return tf.tidy(() => {
			const values = new Map<string, Value>(this.constants);
			values.set(input.name, { tensor: x.toFloat(), nhwc: input.layout === 'NCHW', host: null });
			const wanted = new Set(outputs);
			const missing = () => outputs.filter((name) => !values.has(name));
			for (const [index, node] of this.topology.nodes.entries()) {
				if (missing().length === 0) break;
				const args = node.inputs.map((name) => {
					if (name === '') return null;
					const value = values.get(name);
					if (!value) throw new OnnxGraphError(`node "${node.name}" reads "${name}", which no earlier node or constant makes`);
					return value;
				});
				let results: Value[];
				try {
					results = OPS[node.op]!(args, node, this);
				} catch (error) {
					if (error instanceof OnnxGraphError) throw error;
					throw new OnnxGraphError(`node "${node.name}" (${node.op}) failed: ${(error as Error).message}`);
				}
				node.outputs.forEach((name, i) => {
					if (name !== '' && results[i]) values.set(name, results[i]!);
				});
				// free what no later node reads (tidy would keep every activation until the end; the gradient tape keeps its own copies)
				for (const name of new Set(node.inputs)) {
					if (this.lastUse.get(name) !== index || this.constants.has(name) || name === input.name || wanted.has(name)) continue;
					const value = values.get(name);
					if (value) tf.dispose([value.tensor, value.onnxForm].filter((t): t is tf.Tensor => !!t));
					values.delete(name);
				}
			}
			const notMade = missing();
			if (notMade.length > 0) throw new OnnxGraphError(`the graph makes no value named ${notMade.map((n) => `"${n}"`).join(', ')}`);
			return [...wanted].map((name) => toTensor(values.get(name)!, true).clone());
		});
	}

	/** A tensor made once from constants (kept until `dispose`). */
	prepare(key: string, make: () => tf.Tensor): tf.Tensor {
		let tensor = this.prepared.get(key);
		if (!tensor) {
			tensor = tf.keep(tf.tidy(make));
			this.prepared.set(key, tensor);
		}
		return tensor;
	}

	/** Saves model.json (this topology) and the constants as TF.js weights through any TF.js IO handler. */
	async save(handlerOrUrl: tf.io.IOHandler | string): Promise<tf.io.SaveResult> {
		const handler = typeof handlerOrUrl === 'string' ? tf.io.getSaveHandlers(handlerOrUrl)[0] : handlerOrUrl;
		if (!handler?.save) throw new OnnxGraphError(`no TF.js save handler for ${String(handlerOrUrl)}`);
		const { data, specs } = await tf.io.encodeWeights(this.weights);
		return handler.save({
			modelTopology: this.topology as unknown as object,
			format: ONNX_GRAPH_FORMAT,
			generatedBy: 'see-like-people ONNX importer (src/inference/importers/onnx.ts)',
			weightSpecs: specs,
			weightData: data
		});
	}

	dispose(): void {
		if (this.disposed) return;
		this.disposed = true;
		for (const tensor of Object.values(this.weights)) tensor.dispose();
		for (const tensor of this.prepared.values()) tensor.dispose();
		this.prepared.clear();
	}
}

/** Loads a saved op graph: a URL (or any `tf.io` URL scheme) or an IOHandler (e.g. `folderModelHandler` in Node). */
export async function loadOnnxGraphModel(source: string | tf.io.IOHandler): Promise<OnnxGraphModel> {
	const handler = typeof source === 'string' ? (tf.io.getLoadHandlers(source)[0] ?? tf.io.http(source)) : source;
	if (!handler.load) throw new OnnxGraphError('this IO handler cannot load');
	const artifacts = await handler.load();
	const topology = artifacts.modelTopology as OnnxGraphTopology | undefined;
	if (!topology || (topology as { format?: string }).format !== ONNX_GRAPH_FORMAT) {
		throw new OnnxGraphError(`this model.json is not an imported ONNX graph (its format is "${artifacts.format ?? 'not given'}", expected "${ONNX_GRAPH_FORMAT}")`);
	}
	const weights = artifacts.weightData && artifacts.weightSpecs ? tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs) : {};
	return new OnnxGraphModel(topology, weights);
}

// ---------------------------------------------------------------------------------------------
// values

function tensorValue(tensor: tf.Tensor, nhwc = false): Value {
	return { tensor, nhwc: nhwc && tensor.rank === 4, host: null };
}

function hostValue(data: number[], shape: number[], dtype: 'int32' | 'float32' = 'int32'): Value {
	return { tensor: null, nhwc: false, host: { data, shape, dtype } };
}

/** The value as a tensor: in ONNX's layout (`onnx`), or as stored (NHWC when flagged). */
function toTensor(value: Value, onnx: boolean): tf.Tensor {
	if (value.tensor) {
		if (!onnx || !value.nhwc) return value.tensor;
		value.onnxForm ??= tf.transpose(value.tensor, TO_NCHW);
		return value.onnxForm;
	}
	const host = value.host!;
	value.tensor = tf.tensor(host.data, host.shape, host.dtype);
	return value.tensor;
}

const onnxTensor = (value: Value) => toTensor(value, true);

/** A rank-4 value as an NHWC tensor (transposing an ONNX-layout one). */
function nhwcTensor(value: Value, node: OnnxGraphNode): tf.Tensor4D {
	if (value.nhwc) return value.tensor as tf.Tensor4D;
	const t = toTensor(value, true);
	if (t.rank !== 4) throw new OnnxGraphError(`node "${node.name}" (${node.op}) needs a 4-D NCHW input, not one of shape [${t.shape.join(', ')}] (only 2-D images are supported)`);
	return tf.transpose(t as tf.Tensor4D, TO_NHWC);
}

/** The ONNX shape of a value. */
function shapeOf(value: Value): number[] {
	if (value.host) return value.host.shape;
	const s = value.tensor!.shape;
	return value.nhwc ? [s[0]!, s[3]!, s[1]!, s[2]!] : s.slice();
}

function hostOf(value: Value | null, node: OnnxGraphNode, what: string): { data: number[]; shape: number[] } {
	if (!value?.host) throw new OnnxGraphError(`node "${node.name}" (${node.op}) needs its ${what} as a constant (or computed from shapes), not a tensor computed from the image`);
	return value.host;
}

function int(node: OnnxGraphNode, name: string, fallback: number): number {
	const v = node.attributes[name];
	return typeof v === 'number' ? v : fallback;
}

function ints(node: OnnxGraphNode, name: string): number[] | null {
	const v = node.attributes[name];
	return Array.isArray(v) ? (v as number[]) : null;
}

function str(node: OnnxGraphNode, name: string, fallback: string): string {
	const v = node.attributes[name];
	return typeof v === 'string' ? v : fallback;
}

function normAxis(axis: number, rank: number, node: OnnxGraphNode): number {
	const a = axis < 0 ? axis + rank : axis;
	if (a < 0 || a >= rank) throw new OnnxGraphError(`node "${node.name}" (${node.op}) has axis ${axis}, outside a rank-${rank} input`);
	return a;
}

const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

function need(value: Value | null | undefined, node: OnnxGraphNode, index: number): Value {
	if (!value) throw new OnnxGraphError(`node "${node.name}" (${node.op}) is missing its input ${index + 1}`);
	return value;
}

// ---------------------------------------------------------------------------------------------
// operators: each follows the ONNX operator's definition (onnx/docs/Operators.md) for opsets 11..17

type Op = (args: (Value | null)[], node: OnnxGraphNode, model: OnnxGraphModel) => Value[];

/** Same layout out as in, for element-wise ops of one input. */
function unary(f: (x: tf.Tensor, node: OnnxGraphNode) => tf.Tensor): Op {
	return (args, node) => {
		const x = need(args[0], node, 0);
		return [tensorValue(f(toTensor(x, false), node), x.nhwc)];
	};
}

/** Element-wise ops of two inputs with numpy broadcasting; an NHWC operand keeps the result NHWC. */
function binary(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, host?: (a: number, b: number, integers: boolean) => number): Op {
	return (args, node) => {
		const a = need(args[0], node, 0);
		const b = need(args[1], node, 1);
		// shape arithmetic stays in JS
		if (host && a.host && b.host) {
			const [x, y] = [a.host, b.host];
			if (x.data.length === y.data.length || x.data.length === 1 || y.data.length === 1) {
				const n = Math.max(x.data.length, y.data.length);
				const integers = x.dtype === 'int32' && y.dtype === 'int32';
				const data = Array.from({ length: n }, (_, i) => host(x.data[x.data.length === 1 ? 0 : i]!, y.data[y.data.length === 1 ? 0 : i]!, integers));
				const shape = x.data.length >= y.data.length ? x.shape : y.shape;
				return [hostValue(data, shape, integers ? 'int32' : 'float32')];
			}
		}
		if (a.nhwc || b.nhwc) {
			const other = a.nhwc ? b : a;
			const rank = shapeOf(other).length;
			if (other.nhwc || rank <= 4) {
				const asNhwc = (v: Value) => {
					if (v.nhwc) return v.tensor!;
					const t = toTensor(v, true);
					const s = t.shape;
					return tf.transpose(t.reshape([...Array(4 - s.length).fill(1), ...s]), TO_NHWC);
				};
				return [tensorValue(f(asNhwc(a), asNhwc(b)), true)];
			}
		}
		return [tensorValue(f(onnxTensor(a), onnxTensor(b)))];
	};
}

/** Explicit spatial padding [top, left, bottom, right] of a conv or pool window. */
function spatialPads(node: OnnxGraphNode, inH: number, inW: number, kernel: number[], strides: number[], dilations: number[]): number[] {
	const autoPad = str(node, 'auto_pad', 'NOTSET');
	if (autoPad === 'VALID') return [0, 0, 0, 0];
	if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
		const pads = [0, 0, 0, 0];
		[inH, inW].forEach((size, i) => {
			const total = Math.max(0, (Math.ceil(size / strides[i]!) - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - size);
			const small = Math.floor(total / 2);
			pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
			pads[i + 2] = total - pads[i]!;
		});
		return pads;
	}
	const pads = ints(node, 'pads') ?? [0, 0, 0, 0];
	if (pads.length !== 4) throw new OnnxGraphError(`node "${node.name}" (${node.op}) has ${pads.length} pads; only 2-D windows (4 pads) are supported`);
	return pads;
}

function windowAttributes(node: OnnxGraphNode, kernel: number[]) {
	if (kernel.length !== 2) throw new OnnxGraphError(`node "${node.name}" (${node.op}) has a ${kernel.length}-D window; only 2-D windows are supported`);
	const strides = ints(node, 'strides') ?? [1, 1];
	const dilations = ints(node, 'dilations') ?? [1, 1];
	return { strides: [strides[0]!, strides[1]!] as [number, number], dilations: [dilations[0]!, dilations[1]!] as [number, number] };
}

const padNhwc = (x: tf.Tensor4D, p: number[], value = 0) =>
	p.every((v) => v === 0) ? x : tf.pad(x, [[0, 0], [p[0]!, p[2]!], [p[1]!, p[3]!], [0, 0]], value);

const conv: Op = (args, node, model) => {
	const x = nhwcTensor(need(args[0], node, 0), node);
	const w = need(args[1], node, 1);
	if (!w.tensor || w.nhwc || w.tensor.rank !== 4) throw new OnnxGraphError(`node "${node.name}" (Conv) needs a constant 4-D weight (2-D convolutions only)`);
	const [cOut, cInPerGroup, kh, kw] = w.tensor.shape as number[];
	const group = int(node, 'group', 1);
	const { strides, dilations } = windowAttributes(node, [kh!, kw!]);
	const cIn = x.shape[3];
	if (cInPerGroup! * group !== cIn) throw new OnnxGraphError(`node "${node.name}" (Conv): the input has ${cIn} channels, the weight expects ${cInPerGroup! * group} (group ${group})`);
	const p = spatialPads(node, x.shape[1], x.shape[2], [kh!, kw!], strides, dilations);
	// explicit padding inside the convolution: no padded copy of the input (TF.js types allow it for conv2d only)
	const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p[0]!, p[2]!], [p[1]!, p[3]!], [0, 0]];
	const wKey = `${node.name}:${node.inputs[1]}`;
	const bias = args[2] ? (toTensor(args[2], true) as tf.Tensor1D) : undefined;
	let y: tf.Tensor4D;
	if (group === 1) {
		const filter = model.prepare(wKey, () => tf.transpose(w.tensor!, [2, 3, 1, 0])) as tf.Tensor4D; // OIHW -> HWIO
		return [tensorValue(tf.fused.conv2d({ x, filter, strides, pad, dataFormat: 'NHWC', dilations, bias }), true)];
	} else if (group === cIn && cInPerGroup === 1) {
		// depthwise: output channel o = c * m + j reads input channel c
		const m = cOut! / cIn;
		const filter = model.prepare(wKey, () => tf.transpose(w.tensor!.reshape([cIn, m, kh!, kw!]), [2, 3, 0, 1])) as tf.Tensor4D;
		if (Math.max(...strides) > 1 && Math.max(...dilations) > 1) throw new OnnxGraphError(`node "${node.name}" (Conv): a depthwise convolution with both strides and dilations above 1 is not supported`);
		return [tensorValue(tf.fused.depthwiseConv2d({ x: padNhwc(x, p), filter, strides, pad: 'valid', dataFormat: 'NHWC', dilations, bias }), true)];
	} else {
		const filter = model.prepare(wKey, () => tf.transpose(w.tensor!, [2, 3, 1, 0])) as tf.Tensor4D;
		const xs = tf.split(padNhwc(x, p), group, 3);
		const fs = tf.split(filter, group, 3);
		y = tf.concat(xs.map((xg, g) => tf.conv2d(xg as tf.Tensor4D, fs[g] as tf.Tensor4D, strides, 'valid', 'NHWC', dilations)), 3);
	}
	return [tensorValue(bias ? tf.add(y, bias) : y, true)];
};

/** ONNX pool output size, ceil_mode as ONNX Runtime computes it (a window must start inside the input or its leading pad). */
function poolExtraPads(node: OnnxGraphNode, size: number[], kernel: number[], strides: number[], pads: number[]): number[] {
	const extra = [0, 0];
	if (int(node, 'ceil_mode', 0) !== 1) return extra;
	for (let i = 0; i < 2; i++) {
		const span = size[i]! + pads[i]! + pads[i + 2]!;
		let out = Math.ceil((span - kernel[i]!) / strides[i]!) + 1;
		if ((out - 1) * strides[i]! >= size[i]! + pads[i]!) out -= 1;
		extra[i] = Math.max(0, (out - 1) * strides[i]! + kernel[i]! - span);
	}
	return extra;
}

function pool(kind: 'max' | 'avg'): Op {
	return (args, node) => {
		const x = nhwcTensor(need(args[0], node, 0), node);
		if (node.outputs.length > 1 && node.outputs[1] !== '') throw new OnnxGraphError(`node "${node.name}" (MaxPool) asks for its Indices output, which is not supported`);
		const kernel = ints(node, 'kernel_shape') ?? [];
		const { strides, dilations } = windowAttributes(node, kernel);
		if (dilations.some((d) => d !== 1)) throw new OnnxGraphError(`node "${node.name}" (${node.op}) has dilations ${dilations.join('x')}; only 1 is supported`);
		const size = [x.shape[1], x.shape[2]];
		const pads = spatialPads(node, size[0]!, size[1]!, kernel, strides, dilations);
		const extra = poolExtraPads(node, size, kernel, strides, pads);
		const all = [pads[0]!, pads[1]!, pads[2]! + extra[0]!, pads[3]! + extra[1]!];
		const k = kernel as [number, number];
		if (kind === 'max') return [tensorValue(tf.maxPool(padNhwc(x, all, -Infinity), k, strides, 'valid'), true)];
		const sum = tf.avgPool(padNhwc(x, all), k, strides, 'valid');
		if (all.every((p) => p === 0)) return [tensorValue(sum, true)];
		// divide by the number of cells each window counts: pads count when count_include_pad = 1, the ceil_mode overhang never
		const includePad = int(node, 'count_include_pad', 0) === 1;
		const mask = padNhwc(padNhwc(tf.ones([1, size[0]!, size[1]!, 1]) as tf.Tensor4D, pads, includePad ? 1 : 0), [0, 0, extra[0]!, extra[1]!], 0);
		return [tensorValue(tf.div(sum, tf.avgPool(mask, k, strides, 'valid')), true)];
	};
}

const batchNorm: Op = (args, node, model) => {
	const x = need(args[0], node, 0);
	const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => need(args[i], node, i));
	if (node.outputs.length > 1 && node.outputs.slice(1).some((o) => o !== '')) throw new OnnxGraphError(`node "${node.name}" (BatchNormalization) is in training mode; export the model in eval mode`);
	const epsilon = (node.attributes.epsilon as number | undefined) ?? 1e-5;
	// y = (x - mean) / sqrt(var + eps) * scale + bias = x * a + b
	const a = model.prepare(`${node.name}:a`, () => tf.div(onnxTensor(scale!), tf.sqrt(tf.add(onnxTensor(variance!), epsilon))));
	const b = model.prepare(`${node.name}:b`, () => tf.sub(onnxTensor(bias!), tf.mul(onnxTensor(mean!), a)));
	if (x.nhwc) return [tensorValue(tf.add(tf.mul(x.tensor!, a), b), true)];
	const t = onnxTensor(x);
	const shape = [a.size, ...Array(Math.max(0, t.rank - 2)).fill(1)];
	return [tensorValue(tf.add(tf.mul(t, a.reshape(shape)), b.reshape(shape)))];
};

function matmul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
	let x = a.rank === 1 ? a.reshape([1, -1]) : a;
	let y = b.rank === 1 ? b.reshape([-1, 1]) : b;
	let out: tf.Tensor;
	if (y.rank === 2 && x.rank > 2) {
		const lead = x.shape.slice(0, -1);
		out = tf.matMul(x.reshape([-1, x.shape[x.rank - 1]!]), y as tf.Tensor2D).reshape([...lead, y.shape[1]!]);
	} else {
		const rank = Math.max(x.rank, y.rank);
		x = x.reshape([...Array(rank - x.rank).fill(1), ...x.shape]);
		y = y.reshape([...Array(rank - y.rank).fill(1), ...y.shape]);
		out = tf.matMul(x, y);
	}
	if (a.rank === 1) out = out.squeeze([out.rank - 2]);
	if (b.rank === 1) out = out.squeeze([out.rank - 1]);
	return out;
}

const gemm: Op = (args, node) => {
	const a = onnxTensor(need(args[0], node, 0)) as tf.Tensor2D;
	const b = onnxTensor(need(args[1], node, 1)) as tf.Tensor2D;
	const alpha = (node.attributes.alpha as number | undefined) ?? 1;
	const beta = (node.attributes.beta as number | undefined) ?? 1;
	let y: tf.Tensor = tf.matMul(a, b, int(node, 'transA', 0) === 1, int(node, 'transB', 0) === 1);
	if (alpha !== 1) y = tf.mul(y, alpha);
	if (args[2]) y = tf.add(y, beta === 1 ? onnxTensor(args[2]) : tf.mul(onnxTensor(args[2]), beta));
	return [tensorValue(y)];
};

/** ONNX Reshape's target: 0 copies the input's dimension (unless allowzero), -1 takes the rest. */
function reshapeTarget(from: number[], target: number[], allowZero: boolean, node: OnnxGraphNode): number[] {
	const shape = target.map((d, i) => (d === 0 && !allowZero ? from[i]! : d));
	const free = shape.indexOf(-1);
	if (free >= 0) {
		const known = product(shape.filter((_, i) => i !== free));
		shape[free] = known === 0 ? 0 : product(from) / known;
	}
	if (product(shape) !== product(from) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
		throw new OnnxGraphError(`node "${node.name}" (${node.op}) cannot reshape [${from.join(', ')}] to [${target.join(', ')}]`);
	}
	return shape;
}

const reshape: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const target = hostOf(args[1] ?? null, node, 'shape').data;
	const from = shapeOf(x);
	const shape = reshapeTarget(from, target, int(node, 'allowzero', 0) === 1, node);
	if (x.host) return [hostValue(x.host.data, shape, x.host.dtype)];
	return [tensorValue(onnxTensor(x).reshape(shape))];
};

const flatten: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const shape = shapeOf(x);
	const axis = int(node, 'axis', 1) < 0 ? int(node, 'axis', 1) + shape.length : int(node, 'axis', 1);
	const target = [product(shape.slice(0, axis)), product(shape.slice(axis))];
	// an NHWC tensor whose H and W are 1 has the same element order as its NCHW form
	if (x.nhwc && shape[2] === 1 && shape[3] === 1) return [tensorValue(x.tensor!.reshape(target))];
	return [tensorValue(onnxTensor(x).reshape(target))];
};

const transpose: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const rank = shapeOf(x).length;
	const perm = ints(node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
	// transposing the NHWC storage once: onnx = storage^TO_NCHW, so onnx^perm = storage^(TO_NCHW[perm[i]])
	if (x.nhwc) return [tensorValue(tf.transpose(x.tensor!, perm.map((p) => TO_NCHW[p]!)))];
	return [tensorValue(tf.transpose(onnxTensor(x), perm))];
};

const concat: Op = (args, node) => {
	const xs = args.map((v, i) => need(v, node, i));
	const rank = shapeOf(xs[0]!).length;
	const axis = normAxis(int(node, 'axis', 0), rank, node);
	if (xs.every((v) => v.host) && rank === 1) {
		return [hostValue(xs.flatMap((v) => v.host!.data), [xs.reduce((n, v) => n + v.host!.data.length, 0)], xs.some((v) => v.host!.dtype === 'float32') ? 'float32' : 'int32')];
	}
	if (xs.every((v) => v.nhwc)) return [tensorValue(tf.concat(xs.map((v) => v.tensor!), NHWC_AXIS[axis]), true)];
	return [tensorValue(tf.concat(xs.map(onnxTensor), axis))];
};

const split: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const shape = shapeOf(x);
	const axis = normAxis(int(node, 'axis', 0), shape.length, node);
	const sizes = args[1] ? hostOf(args[1], node, 'split sizes').data : (ints(node, 'split') ?? Array(node.outputs.length).fill(shape[axis]! / node.outputs.length));
	if (sizes.some((s) => !Number.isInteger(s))) throw new OnnxGraphError(`node "${node.name}" (Split) cannot split ${shape[axis]} into ${node.outputs.length} equal parts`);
	if (x.nhwc) return tf.split(x.tensor!, sizes, NHWC_AXIS[axis]).map((t) => tensorValue(t, true));
	return tf.split(onnxTensor(x), sizes, axis).map((t) => tensorValue(t));
};

const slice: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const shape = shapeOf(x);
	const starts = hostOf(args[1] ?? null, node, 'starts').data;
	const ends = hostOf(args[2] ?? null, node, 'ends').data;
	const axes = args[3] ? hostOf(args[3], node, 'axes').data.map((a) => normAxis(a, shape.length, node)) : starts.map((_, i) => i);
	const steps = args[4] ? hostOf(args[4], node, 'steps').data : starts.map(() => 1);
	if (steps.some((s) => s <= 0)) throw new OnnxGraphError(`node "${node.name}" (Slice) has a step of 0 or below; only positive steps are supported`);
	const begin = shape.map(() => 0);
	const end = shape.slice();
	const stride = shape.map(() => 1);
	axes.forEach((axis, i) => {
		const dim = shape[axis]!;
		const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
		begin[axis] = clamp(starts[i]!);
		end[axis] = Math.max(begin[axis]!, clamp(ends[i]!));
		stride[axis] = steps[i]!;
	});
	if (x.host && shape.length === 1) {
		const data: number[] = [];
		for (let i = begin[0]!; i < end[0]!; i += stride[0]!) data.push(x.host.data[i]!);
		return [hostValue(data, [data.length], x.host.dtype)];
	}
	const run = (t: tf.Tensor, order: readonly number[]) => {
		const b = order.map((a) => begin[a]!);
		const e = order.map((a) => end[a]!);
		const s = order.map((a) => stride[a]!);
		return s.every((v) => v === 1) ? tf.slice(t, b, e.map((v, i) => v - b[i]!)) : tf.stridedSlice(t, b, e, s);
	};
	// storage axis j holds ONNX axis TO_NHWC[j]
	if (x.nhwc) return [tensorValue(run(x.tensor!, TO_NHWC), true)];
	return [tensorValue(run(onnxTensor(x), shape.map((_, i) => i)))];
};

const gather: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const indices = hostOf(args[1] ?? null, node, 'indices');
	const shape = shapeOf(x);
	const axis = normAxis(int(node, 'axis', 0), shape.length, node);
	const idx = indices.data.map((i) => (i < 0 ? i + shape[axis]! : i));
	if (x.host && shape.length === 1) return [hostValue(idx.map((i) => x.host!.data[i]!), indices.shape, x.host.dtype)];
	const t = tf.gather(onnxTensor(x), tf.tensor1d(idx, 'int32'), axis);
	return [tensorValue(t.reshape([...shape.slice(0, axis), ...indices.shape, ...shape.slice(axis + 1)]))];
};

function axesOf(args: (Value | null)[], node: OnnxGraphNode): number[] | null {
	if (args[1]) return hostOf(args[1], node, 'axes').data;
	return ints(node, 'axes');
}

const unsqueeze: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const shape = shapeOf(x);
	const axes = axesOf(args, node);
	if (!axes) throw new OnnxGraphError(`node "${node.name}" (Unsqueeze) has no axes`);
	const rank = shape.length + axes.length;
	const at = new Set(axes.map((a) => normAxis(a, rank, node)));
	const out: number[] = [];
	let k = 0;
	for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : shape[k++]!);
	if (x.host) return [hostValue(x.host.data, out, x.host.dtype)];
	return [tensorValue(onnxTensor(x).reshape(out))];
};

const squeeze: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const shape = shapeOf(x);
	const axes = axesOf(args, node);
	const drop = new Set(axes ? axes.map((a) => normAxis(a, shape.length, node)) : shape.flatMap((d, i) => (d === 1 ? [i] : [])));
	const out = shape.filter((_, i) => !drop.has(i));
	if (x.host) return [hostValue(x.host.data, out, x.host.dtype)];
	return [tensorValue(onnxTensor(x).reshape(out))];
};

const softmax: Op = (args, node, model) => {
	const t = onnxTensor(need(args[0], node, 0));
	const opset = model.topology.opset;
	const axis = normAxis(int(node, 'axis', opset >= 13 ? -1 : 1), t.rank, node);
	if (opset < 13) {
		// before opset 13: softmax over the input flattened to 2-D at axis
		const rows = product(t.shape.slice(0, axis));
		return [tensorValue(tf.softmax(t.reshape([rows, -1])).reshape(t.shape))];
	}
	if (axis === t.rank - 1) return [tensorValue(tf.softmax(t))];
	const perm = t.shape.map((_, i) => i);
	[perm[axis], perm[t.rank - 1]] = [perm[t.rank - 1]!, perm[axis]!];
	return [tensorValue(tf.transpose(tf.softmax(tf.transpose(t, perm)), perm))];
};

const reduceMean: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const rank = shapeOf(x).length;
	const axes = (ints(node, 'axes') ?? Array.from({ length: rank }, (_, i) => i)).map((a) => normAxis(a, rank, node));
	const keep = int(node, 'keepdims', 1) === 1;
	if (x.nhwc && keep) return [tensorValue(tf.mean(x.tensor!, axes.map((a) => NHWC_AXIS[a]!), true), true)];
	return [tensorValue(tf.mean(onnxTensor(x), axes, keep))];
};

const layerNorm: Op = (args, node) => {
	const x = onnxTensor(need(args[0], node, 0));
	if (node.outputs.slice(1).some((o) => o !== '')) throw new OnnxGraphError(`node "${node.name}" (LayerNormalization) asks for its Mean or InvStdDev output, which is not supported`);
	const axis = normAxis(int(node, 'axis', -1), x.rank, node);
	const epsilon = (node.attributes.epsilon as number | undefined) ?? 1e-5;
	const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
	// y = (x - mean) / sqrt(mean((x - mean)^2) + eps) * scale + bias, over the axes from `axis` on
	const centred = tf.sub(x, tf.mean(x, axes, true));
	const variance = tf.mean(tf.square(centred), axes, true);
	let y = tf.mul(tf.div(centred, tf.sqrt(tf.add(variance, epsilon))), onnxTensor(need(args[1], node, 1)));
	if (args[2]) y = tf.add(y, onnxTensor(args[2]));
	return [tensorValue(y)];
};

const SQRT1_2 = Math.SQRT1_2;
/** GELU (ONNX Gelu, opset 20, and com.microsoft Gelu): 0.5 x (1 + erf(x / sqrt 2)), or the tanh form when approximate = "tanh". */
const gelu = unary((x, node) => {
	if (str(node, 'approximate', 'none') === 'tanh') {
		const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
		return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
	}
	return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, SQRT1_2))));
});

function scalarOf(value: Value | null, node: OnnxGraphNode, what: string): number | null {
	if (!value) return null;
	const host = hostOf(value, node, what);
	if (host.data.length !== 1) throw new OnnxGraphError(`node "${node.name}" (${node.op}) needs a single number for its ${what}`);
	return host.data[0]!;
}

const clip: Op = (args, node) => {
	const x = need(args[0], node, 0);
	// opset 11+: min and max are optional inputs
	const lo = scalarOf(args[1] ?? null, node, 'min');
	const hi = scalarOf(args[2] ?? null, node, 'max');
	const t = toTensor(x, false);
	let y: tf.Tensor;
	if (lo === 0 && hi === 6) y = tf.relu6(t);
	else if (lo === 0 && hi === null) y = tf.relu(t);
	else y = tf.clipByValue(t, lo ?? -Infinity, hi ?? Infinity);
	return [tensorValue(y, x.nhwc)];
};

const hardSigmoid = (x: tf.Tensor, alpha: number, beta: number) => tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1);

const pow: Op = (args, node) => {
	const exponent = args[1]?.host && args[1].host.data.length === 1 ? args[1].host.data[0]! : null;
	const x = need(args[0], node, 0);
	if (exponent === 2) return [tensorValue(tf.square(toTensor(x, false)), x.nhwc)];
	if (exponent === 0.5) return [tensorValue(tf.sqrt(toTensor(x, false)), x.nhwc)];
	if (exponent === 1) return [tensorValue(toTensor(x, false).clone(), x.nhwc)];
	return binary((a, b) => tf.pow(a, b))(args, node, undefined as never);
};

const shape: Op = (args, node) => {
	const s = shapeOf(need(args[0], node, 0));
	const rank = s.length;
	const at = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
	const out = s.slice(at(int(node, 'start', 0)), at(int(node, 'end', rank)));
	return [hostValue(out, [out.length])];
};

const passThrough: Op = (args, node) => {
	const x = need(args[0], node, 0);
	if (node.op === 'Dropout' && node.outputs[1]) throw new OnnxGraphError(`node "${node.name}" (Dropout) asks for its mask output, which is not supported`);
	return [x.tensor ? { ...x, tensor: x.tensor.clone(), onnxForm: undefined } : x];
};

/** numpy broadcasting of two shapes. */
function broadcastShapes(a: number[], b: number[], node: OnnxGraphNode): number[] {
	const rank = Math.max(a.length, b.length);
	const pa = [...Array(rank - a.length).fill(1), ...a];
	const pb = [...Array(rank - b.length).fill(1), ...b];
	return pa.map((d, i) => {
		const e = pb[i]!;
		if (d !== e && d !== 1 && e !== 1) throw new OnnxGraphError(`node "${node.name}" (${node.op}) cannot broadcast [${a.join(', ')}] with [${b.join(', ')}]`);
		return d === 1 ? e : d;
	});
}

const cast: Op = (args, node) => {
	const x = need(args[0], node, 0);
	// TensorProto.DataType: FLOAT 1, FLOAT16 10, DOUBLE 11 -> float32; the integer and boolean types -> int32
	const to = int(node, 'to', 1);
	const dtype = to === 1 || to === 10 || to === 11 ? 'float32' : 'int32';
	if (x.host) return [hostValue(dtype === 'int32' ? x.host.data.map(Math.trunc) : x.host.data, x.host.shape, dtype)];
	return [tensorValue(tf.cast(toTensor(x, false), dtype), x.nhwc)];
};

const constantOfShape: Op = (args, node) => {
	const shape = hostOf(args[0] ?? null, node, 'shape').data;
	const value = node.attributes.value as TensorAttribute | undefined;
	const v = value?.data[0] ?? 0;
	const dtype = value?.dtype ?? 'float32';
	const size = product(shape);
	if (size <= HOST_LIMIT) return [hostValue(Array(size).fill(v), shape, dtype)];
	return [tensorValue(tf.fill(shape, v, dtype))];
};

const equal: Op = (args, node) => {
	const a = need(args[0], node, 0);
	const b = need(args[1], node, 1);
	if (a.host && b.host && (a.host.data.length === b.host.data.length || b.host.data.length === 1)) {
		return [hostValue(a.host.data.map((v, i) => (v === b.host!.data[b.host!.data.length === 1 ? 0 : i] ? 1 : 0)), a.host.shape)];
	}
	return [tensorValue(tf.cast(tf.equal(onnxTensor(a), onnxTensor(b)), 'int32'))];
};

const where: Op = (args, node) => {
	const [c, a, b] = [0, 1, 2].map((i) => need(args[i], node, i));
	if (c!.host && a!.host && b!.host) {
		const n = Math.max(c!.host.data.length, a!.host.data.length, b!.host.data.length);
		const at = (v: Value, i: number) => v.host!.data[v.host!.data.length === 1 ? 0 : i]!;
		if ([c, a, b].every((v) => v!.host!.data.length === n || v!.host!.data.length === 1)) {
			const shape = [c, a, b].find((v) => v!.host!.data.length === n)!.host!.shape;
			return [hostValue(Array.from({ length: n }, (_, i) => (at(c!, i) ? at(a!, i) : at(b!, i))), shape, a!.host.dtype)];
		}
	}
	const cond = tf.cast(onnxTensor(c!), 'bool');
	const [x, y] = [onnxTensor(a!), onnxTensor(b!)];
	const shape = broadcastShapes(broadcastShapes(cond.shape, x.shape, node), y.shape, node);
	return [tensorValue(tf.where(tf.broadcastTo(cond, shape), tf.broadcastTo(x, shape), tf.broadcastTo(y, shape)))];
};

const expand: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const target = hostOf(args[1] ?? null, node, 'shape').data;
	const shape = broadcastShapes(shapeOf(x), target, node);
	const t = onnxTensor(x);
	return [tensorValue(tf.broadcastTo(t.reshape([...Array(shape.length - t.rank).fill(1), ...t.shape]), shape))];
};

const pad: Op = (args, node) => {
	const x = need(args[0], node, 0);
	const rank = shapeOf(x).length;
	const pads = hostOf(args[1] ?? null, node, 'pads').data;
	if (pads.length !== 2 * rank) throw new OnnxGraphError(`node "${node.name}" (Pad) has ${pads.length} pads for a rank-${rank} input`);
	if (pads.some((p) => p < 0)) throw new OnnxGraphError(`node "${node.name}" (Pad) has negative pads (cropping), which is not supported`);
	const value = scalarOf(args[2] ?? null, node, 'constant value') ?? 0;
	const mode = str(node, 'mode', 'constant');
	// ONNX pads: all begins, then all ends; in the stored tensor's axis order
	const order = x.nhwc ? TO_NHWC : Array.from({ length: rank }, (_, i) => i);
	const paddings = order.map((a) => [pads[a]!, pads[a + rank]!] as [number, number]);
	const t = toTensor(x, false);
	let y: tf.Tensor;
	if (mode === 'constant') y = tf.pad(t, paddings, value);
	else if (mode === 'reflect') y = tf.mirrorPad(t, paddings, 'reflect');
	else throw new OnnxGraphError(`node "${node.name}" (Pad) has mode "${mode}"; only "constant" and "reflect" are supported`);
	return [tensorValue(y, x.nhwc)];
};

export const OPS: Record<string, Op> = {
	Conv: conv,
	BatchNormalization: batchNorm,
	Relu: unary((x) => tf.relu(x)),
	Clip: clip,
	Sigmoid: unary((x) => tf.sigmoid(x)),
	HardSigmoid: unary((x, node) => hardSigmoid(x, (node.attributes.alpha as number | undefined) ?? 0.2, (node.attributes.beta as number | undefined) ?? 0.5)),
	HardSwish: unary((x) => tf.mul(x, hardSigmoid(x, 1 / 6, 0.5))),
	Tanh: unary((x) => tf.tanh(x)),
	Exp: unary((x) => tf.exp(x)),
	Neg: unary((x) => tf.neg(x)),
	Erf: unary((x) => tf.erf(x)),
	Sqrt: unary((x) => tf.sqrt(x)),
	Reciprocal: unary((x) => tf.reciprocal(x)),
	Gelu: gelu,
	Add: binary((a, b) => tf.add(a, b), (a, b) => a + b),
	Sub: binary((a, b) => tf.sub(a, b), (a, b) => a - b),
	Mul: binary((a, b) => tf.mul(a, b), (a, b) => a * b),
	Div: binary((a, b) => tf.div(a, b), (a, b, integers) => (integers ? Math.trunc(a / b) : a / b)),
	Pow: pow,
	MaxPool: pool('max'),
	AveragePool: pool('avg'),
	GlobalAveragePool: (args, node) => [tensorValue(tf.mean(nhwcTensor(need(args[0], node, 0), node), [1, 2], true), true)],
	GlobalMaxPool: (args, node) => [tensorValue(tf.max(nhwcTensor(need(args[0], node, 0), node), [1, 2], true), true)],
	Gemm: gemm,
	MatMul: (args, node) => [tensorValue(matmul(onnxTensor(need(args[0], node, 0)), onnxTensor(need(args[1], node, 1))))],
	Flatten: flatten,
	Reshape: reshape,
	Transpose: transpose,
	Concat: concat,
	Split: split,
	Slice: slice,
	Gather: gather,
	Unsqueeze: unsqueeze,
	Squeeze: squeeze,
	Softmax: softmax,
	ReduceMean: reduceMean,
	LayerNormalization: layerNorm,
	Shape: shape,
	Identity: passThrough,
	Dropout: passThrough,
	Cast: cast,
	ConstantOfShape: constantOfShape,
	Equal: equal,
	Where: where,
	Expand: expand,
	Pad: pad
};

/** The operator types the importer reads, for error messages and the README. */
export const SUPPORTED_OPERATORS = [...Object.keys(OPS), 'Constant'].sort();
