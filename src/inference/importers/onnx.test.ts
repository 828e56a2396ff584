/**
 * The ONNX importer against ONNX Runtime (onnxruntime-web's WASM build, in Node): tiny models
 * written in the test (onnx-writer.ts), one per operator family, a vision-transformer block, the
 * gradient w.r.t. the input, save and load, bad files, and SqueezeNet 1.1 rebuilt as ONNX from the
 * upstream .npy weights in the model folder (skipped, saying why, when that folder is missing).
 *
 * Tolerance: the largest absolute difference from ONNX Runtime, TOL = 1e-4 for the tiny models
 * (values of order 1); for SqueezeNet 1e-3 on the logits (of order 10) and 1e-5 on the probabilities,
 * with the same top-1 class.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rgbFromPng } from '../../stimuli/png.js';
import { defaultModelDir } from '../model-dir.js';
import { folderModelHandler, useFastestNodeBackend } from '../node.js';
import { preprocessBatch } from '../preprocess.js';
import { withWasmBridges } from '../wasm-bridge.js';
import { folderSaveHandler } from './model-folder.js';
import { importOnnx, loadOnnxGraphModel, OnnxImportError, type ImportedModel } from './onnx.js';
import { onnxProtoDescriptor } from './onnx-proto-build.js';
import descriptor from './onnx-proto.json' with { type: 'json' };
import { writeOnnx, type ModelSpec, type NodeSpec, type TensorSpec } from './onnx-writer.js';

const TOL = 1e-4;
ort.env.wasm.numThreads = 1;

/** Deterministic uniform numbers in [lo, hi) (mulberry32). */
function random(n: number, seed: number, lo = -1, hi = 1): Float32Array {
	let a = seed >>> 0;
	const out = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
	}
	return out;
}

let seed = 1;
const weight = (name: string, dims: number[], scale = 0.5): TensorSpec => ({ name, dims, data: random(dims.reduce((a, b) => a * b, 1), seed++, -scale, scale) });
const ints64 = (name: string, data: number[]): TensorSpec => ({ name, dims: [data.length], data, type: 'int64' });

/** ONNX Runtime's outputs for an NCHW input. */
async function reference(bytes: Uint8Array, input: string, nchw: tf.Tensor, outputs: string[]): Promise<Map<string, { data: Float32Array; dims: number[] }>> {
	const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled' });
	try {
		const result = await session.run({ [input]: new ort.Tensor('float32', Float32Array.from(nchw.dataSync()), nchw.shape) }, outputs);
		return new Map(outputs.map((name) => [name, { data: result[name]!.data as Float32Array, dims: result[name]!.dims.slice() }]));
	} finally {
		await session.release();
	}
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	expect(a.length).toBe(b.length);
	let worst = 0;
	for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
	return worst;
}

/** Imports `spec`, runs it and ONNX Runtime on the same random batch, and compares every output. */
async function compareWithOrt(spec: ModelSpec, options: { batch?: number; tol?: number; nhwcInput?: boolean } = {}): Promise<ImportedModel> {
	const bytes = writeOnnx(spec);
	const imported = await importOnnx(bytes);
	const dims = spec.input.shape.map((d) => (typeof d === 'number' ? d : (options.batch ?? 2)));
	const [n, c, h, w] = options.nhwcInput ? [dims[0], dims[3], dims[1], dims[2]] : dims;
	const nhwc = tf.tensor(random(n! * c! * h! * w!, seed++), [n!, h!, w!, c!]);
	// what ONNX Runtime gets: the same images in the file's own layout
	const nchw = options.nhwcInput ? nhwc.clone() : tf.transpose(nhwc, [0, 3, 1, 2]);
	const names = spec.outputs.map((o) => o.name);
	try {
		const ref = await reference(bytes, spec.input.name, nchw, names);
		const ours = imported.model.execute(nhwc, names);
		names.forEach((name, i) => {
			expect(ours[i]!.shape, `shape of ${name}`).toEqual(ref.get(name)!.dims);
			const diff = maxAbsDiff(ours[i]!.dataSync(), ref.get(name)!.data);
			expect(diff, `largest difference from ONNX Runtime in ${name}`).toBeLessThanOrEqual(options.tol ?? TOL);
		});
		ours.forEach((t) => t.dispose());
	} finally {
		tf.dispose([nhwc, nchw]);
	}
	return imported;
}

/** A model of one image input [N, c, h, w] (batch free) and the named outputs. */
function model(c: number, h: number, w: number, nodes: NodeSpec[], initializers: TensorSpec[], outputs: string[], opset = 17): ModelSpec {
	return { opset, input: { name: 'image', shape: ['N', c, h, w] }, outputs: outputs.map((name) => ({ name })), nodes, initializers };
}

beforeAll(async () => {
	await tf.setBackend('cpu');
	await tf.ready();
});

describe('the protobuf descriptor', () => {
	it('is the vendored onnx.proto (rebuild onnx-proto.json with onnx-proto-build.ts)', () => {
		expect(descriptor).toEqual(onnxProtoDescriptor());
	});
});

describe('operators against ONNX Runtime', () => {
	it('Conv: padding, strides, dilations, groups, depthwise, SAME_UPPER, bias', async () => {
		const nodes: NodeSpec[] = [
			{ op: 'Conv', inputs: ['image', 'w1', 'b1'], outputs: ['c1'], attributes: { pads: { ints: [1, 1, 1, 1] }, strides: { ints: [2, 2] }, kernel_shape: { ints: [3, 3] } } },
			{ op: 'Conv', inputs: ['c1', 'w2'], outputs: ['c2'], attributes: { group: { i: 2 }, dilations: { ints: [2, 2] }, pads: { ints: [2, 1, 2, 1] } } },
			{ op: 'Conv', inputs: ['c2', 'w3', 'b3'], outputs: ['c3'], attributes: { group: { i: 4 }, pads: { ints: [0, 1, 1, 0] } } },
			{ op: 'Conv', inputs: ['c3', 'w4'], outputs: ['c4'], attributes: { auto_pad: { s: 'SAME_UPPER' }, strides: { ints: [2, 2] } } }
		];
		const inits = [weight('w1', [4, 3, 3, 3]), weight('b1', [4]), weight('w2', [4, 2, 3, 3]), weight('w3', [8, 1, 3, 3]), weight('b3', [8]), weight('w4', [5, 8, 2, 2])];
		const imported = await compareWithOrt(model(3, 13, 11, nodes, inits, ['c4', 'c2']));
		expect(imported.operators).toEqual({ Conv: 4 });
	});

	it('BatchNormalization and the activations Relu, Clip, Sigmoid, HardSigmoid, HardSwish', async () => {
		const nodes: NodeSpec[] = [
			{ op: 'BatchNormalization', inputs: ['image', 'scale', 'bias', 'mean', 'var'], outputs: ['bn'], attributes: { epsilon: { f: 1e-3 } } },
			{ op: 'Relu', inputs: ['bn'], outputs: ['relu'] },
			{ op: 'Clip', inputs: ['bn', 'zero', 'six'], outputs: ['relu6'] },
			{ op: 'Clip', inputs: ['bn', '', 'half'], outputs: ['clipmax'] },
			{ op: 'Sigmoid', inputs: ['bn'], outputs: ['sigmoid'] },
			{ op: 'HardSigmoid', inputs: ['bn'], outputs: ['hsig'], attributes: { alpha: { f: 0.3 }, beta: { f: 0.4 } } },
			{ op: 'HardSwish', inputs: ['bn'], outputs: ['hswish'] },
			{ op: 'Flatten', inputs: ['hswish'], outputs: ['flat'] },
			{ op: 'BatchNormalization', inputs: ['flat', 'scale2', 'bias2', 'mean2', 'var2'], outputs: ['bn2d'] }
		];
		const inits: TensorSpec[] = [
			weight('scale', [3]), weight('bias', [3]), weight('mean', [3]), { ...weight('var', [3]), data: [0.5, 1, 2] },
			{ name: 'zero', dims: [], data: [0] }, { name: 'six', dims: [], data: [6] }, { name: 'half', dims: [], data: [0.5] },
			weight('scale2', [48]), weight('bias2', [48]), weight('mean2', [48]), { ...weight('var2', [48]), data: random(48, 99, 0.5, 2) }
		];
		const spec = model(3, 4, 4, nodes, inits, ['relu', 'relu6', 'clipmax', 'sigmoid', 'hsig', 'hswish', 'bn2d']);
		// values reach past 6 for Clip
		await compareWithOrt({ ...spec, initializers: inits.map((t) => (t.name === 'scale' ? { ...t, data: [9, -8, 7] } : t)) });
	});

	it('Add, Mul, Sub, Div and Pow with broadcasting against NHWC activations, constants and shapes', async () => {
		const nodes: NodeSpec[] = [
			{ op: 'Conv', inputs: ['image', 'w'], outputs: ['x'] },
			{ op: 'Add', inputs: ['x', 'perChannel'], outputs: ['a'] }, // [C,1,1]
			{ op: 'Mul', inputs: ['perColumn', 'a'], outputs: ['b'] }, // [W], on the left
			{ op: 'Sub', inputs: ['b', 'scalar'], outputs: ['c'] },
			{ op: 'Div', inputs: ['c', 'x'], outputs: ['d0'] },
			{ op: 'Sigmoid', inputs: ['d0'], outputs: ['d'] },
			{ op: 'Pow', inputs: ['d', 'two'], outputs: ['e'] },
			{ op: 'Pow', inputs: ['d', 'onePointFive'], outputs: ['f'] },
			{ op: 'Sqrt', inputs: ['f'], outputs: ['g'] },
			{ op: 'Add', inputs: ['g', 'full'], outputs: ['h'] }, // [1,C,H,W]
			{ op: 'Mul', inputs: ['h', 'image2'], outputs: ['i'] } // two activations
		];
		const inits = [
			weight('w', [3, 3, 1, 1]), weight('perChannel', [3, 1, 1]), weight('perColumn', [5]), { name: 'scalar', dims: [], data: [0.25] },
			{ name: 'two', dims: [], data: [2] }, { name: 'onePointFive', dims: [], data: [1.5] }, weight('full', [1, 3, 4, 5])
		];
		nodes.splice(10, 0, { op: 'Relu', inputs: ['image'], outputs: ['image2'] });
		await compareWithOrt(model(3, 4, 5, nodes, inits, ['e', 'i']), { tol: 1e-3 });
	});

	it('MaxPool, AveragePool (pads counted or not, ceil_mode) and GlobalAveragePool', async () => {
		const nodes: NodeSpec[] = [
			{ op: 'MaxPool', inputs: ['image'], outputs: ['max'], attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] }, ceil_mode: { i: 1 } } },
			{ op: 'MaxPool', inputs: ['image'], outputs: ['maxSame'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] }, auto_pad: { s: 'SAME_UPPER' } } },
			{ op: 'AveragePool', inputs: ['image'], outputs: ['avg'], attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 0, 1, 2] } } },
			{ op: 'AveragePool', inputs: ['image'], outputs: ['avgIncl'], attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] }, count_include_pad: { i: 1 } } },
			{ op: 'AveragePool', inputs: ['image'], outputs: ['avgCeil'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] }, ceil_mode: { i: 1 } } },
			{ op: 'AveragePool', inputs: ['image'], outputs: ['avgPlain'], attributes: { kernel_shape: { ints: [2, 3] } } },
			{ op: 'GlobalAveragePool', inputs: ['image'], outputs: ['gap'] }
		];
		await compareWithOrt(model(3, 9, 8, nodes, [], ['max', 'maxSame', 'avg', 'avgIncl', 'avgCeil', 'avgPlain', 'gap']));
	});

	it('Gemm and MatMul', async () => {
		const nodes: NodeSpec[] = [
			{ op: 'GlobalAveragePool', inputs: ['image'], outputs: ['gap'] },
			{ op: 'Flatten', inputs: ['gap'], outputs: ['flat'] },
			{ op: 'Gemm', inputs: ['flat', 'fcW', 'fcB'], outputs: ['fc'], attributes: { transB: { i: 1 }, alpha: { f: 0.5 }, beta: { f: 2 } } },
			{ op: 'Gemm', inputs: ['fc', 'fc2W'], outputs: ['fc2'] },
			{ op: 'MatMul', inputs: ['fc2', 'mmW'], outputs: ['mm'] },
			{ op: 'Reshape', inputs: ['image', 'tokens'], outputs: ['seq'] },
			{ op: 'MatMul', inputs: ['seq', 'seqW'], outputs: ['seqOut'] }, // [N,C,HW] x [HW,5]
			{ op: 'Transpose', inputs: ['seq'], outputs: ['seqT'], attributes: { perm: { ints: [0, 2, 1] } } },
			{ op: 'MatMul', inputs: ['seq', 'seqT'], outputs: ['gram'] } // batched
		];
		// two tensors in the typed fields (float_data, int64_data) rather than raw_data
		const inits = [{ ...weight('fcW', [6, 3]), field: 'typed' as const }, weight('fcB', [6]), weight('fc2W', [6, 4]), weight('mmW', [4, 7]), { ...ints64('tokens', [0, 3, -1]), field: 'typed' as const }, weight('seqW', [12, 5])];
		await compareWithOrt(model(3, 3, 4, nodes, inits, ['mm', 'seqOut', 'gram']));
	});

	it('an NHWC input (as tf2onnx writes it) is used as it comes', async () => {
		const nodes: NodeSpec[] = [
			{ op: 'Transpose', inputs: ['image'], outputs: ['nchw'], attributes: { perm: { ints: [0, 3, 1, 2] } } },
			{ op: 'Conv', inputs: ['nchw', 'w'], outputs: ['c'], attributes: { pads: { ints: [1, 1, 1, 1] } } },
			{ op: 'Relu', inputs: ['c'], outputs: ['r'] },
			{ op: 'Transpose', inputs: ['r'], outputs: ['out'], attributes: { perm: { ints: [0, 2, 3, 1] } } }
		];
		const spec: ModelSpec = { opset: 13, input: { name: 'image', shape: ['N', 6, 5, 3] }, outputs: [{ name: 'out' }], nodes, initializers: [weight('w', [4, 3, 3, 3])] };
		const imported = await compareWithOrt(spec, { nhwcInput: true });
		expect(imported).toMatchObject({ sourceLayout: 'NHWC', inputSize: { height: 6, width: 5 }, channels: 3, outputShape: [6, 5, 4] });
	});

	it('Flatten, Reshape from Shape arithmetic, Transpose, Concat, Split, Slice, Gather, Unsqueeze, Squeeze, Constant, Identity, Dropout', async () => {
		const nodes: NodeSpec[] = [
			{ op: 'Conv', inputs: ['image', 'w'], outputs: ['x'] },
			{ op: 'Identity', inputs: ['x'], outputs: ['xi'] },
			{ op: 'Dropout', inputs: ['xi'], outputs: ['xd'] },
			{ op: 'Split', inputs: ['xd', 'splits'], outputs: ['s1', 's2'], attributes: { axis: { i: 1 } } },
			{ op: 'Concat', inputs: ['s2', 's1', 'x'], outputs: ['cat'], attributes: { axis: { i: 1 } } },
			{ op: 'Slice', inputs: ['cat', 'starts', 'ends', 'axes', 'steps'], outputs: ['sl'] },
			{ op: 'Slice', inputs: ['cat', 'starts2', 'ends2'], outputs: ['sl2'] },
			{ op: 'Transpose', inputs: ['sl'], outputs: ['tr'], attributes: { perm: { ints: [0, 3, 1, 2] } } },
			{ op: 'Concat', inputs: ['sl2', 'x'], outputs: ['cat2'], attributes: { axis: { i: 3 } } },
			// x.view(x.size(0), -1) as PyTorch exports it
			{ op: 'Shape', inputs: ['cat2'], outputs: ['shape'] },
			{ op: 'Constant', inputs: [], outputs: ['zeroIndex'], attributes: { value: { t: { name: 'zeroIndex', dims: [], data: [0], type: 'int64' } } } },
			{ op: 'Gather', inputs: ['shape', 'zeroIndex'], outputs: ['batch'], attributes: { axis: { i: 0 } } },
			{ op: 'Unsqueeze', inputs: ['batch', 'axis0'], outputs: ['batch1'] },
			{ op: 'Concat', inputs: ['batch1', 'minusOne'], outputs: ['target'], attributes: { axis: { i: 0 } } },
			{ op: 'Reshape', inputs: ['cat2', 'target'], outputs: ['flat'] },
			{ op: 'Flatten', inputs: ['tr'], outputs: ['flat2'], attributes: { axis: { i: 2 } } },
			{ op: 'Gather', inputs: ['x', 'picks'], outputs: ['picked'], attributes: { axis: { i: 1 } } },
			{ op: 'Gather', inputs: ['x', 'zeroIndex'], outputs: ['firstRow'], attributes: { axis: { i: 2 } } },
			{ op: 'Unsqueeze', inputs: ['firstRow', 'axes13'], outputs: ['un'] },
			{ op: 'Squeeze', inputs: ['un', 'axis1'], outputs: ['sq'] },
			{ op: 'Squeeze', inputs: ['gapOut'], outputs: ['sqAll'] },
			{ op: 'GlobalAveragePool', inputs: ['x'], outputs: ['gapOut'] }
		];
		// Squeeze of gapOut must come after it: ONNX nodes are in topological order
		nodes.push(nodes.splice(20, 1)[0]!);
		const inits = [
			weight('w', [4, 3, 1, 1]), ints64('splits', [1, 3]), ints64('starts', [1, -3, 1]), ints64('ends', [7, 9223372036854775807, 5]), ints64('axes', [1, -1, 2]), ints64('steps', [2, 1, 2]),
			ints64('starts2', [0, 2, 0, 0]), ints64('ends2', [9223372036854775807, 6, 5, 2]), ints64('axis0', [0]), ints64('minusOne', [-1]), ints64('picks', [3, 0, 3]), ints64('axes13', [1, 3]), ints64('axis1', [1])
		];
		await compareWithOrt(model(3, 5, 6, nodes, inits, ['flat', 'flat2', 'picked', 'sq', 'sqAll']));
	});

	it('Split and Unsqueeze with attributes (opset 11), Softmax before and after opset 13, ReduceMean', async () => {
		const nodes: NodeSpec[] = [
			{ op: 'Split', inputs: ['image'], outputs: ['a', 'b', 'c'], attributes: { axis: { i: 1 } } },
			{ op: 'Unsqueeze', inputs: ['a'], outputs: ['a5'], attributes: { axes: { ints: [0] } } },
			{ op: 'Squeeze', inputs: ['a5'], outputs: ['a4'], attributes: { axes: { ints: [0] } } },
			{ op: 'Softmax', inputs: ['image'], outputs: ['softmax11'] }, // axis 1: over C*H*W
			{ op: 'ReduceMean', inputs: ['image'], outputs: ['meanHW'], attributes: { axes: { ints: [2, 3] } } },
			{ op: 'ReduceMean', inputs: ['b'], outputs: ['meanC'], attributes: { axes: { ints: [-1, 1] }, keepdims: { i: 0 } } },
			{ op: 'ReduceMean', inputs: ['c'], outputs: ['meanAll'] }
		];
		await compareWithOrt(model(3, 2, 3, nodes, [], ['a4', 'softmax11', 'meanHW', 'meanC', 'meanAll'], 11));
		const at13: NodeSpec[] = [
			{ op: 'Softmax', inputs: ['image'], outputs: ['last'] },
			{ op: 'Softmax', inputs: ['image'], outputs: ['channels'], attributes: { axis: { i: 1 } } }
		];
		await compareWithOrt(model(3, 2, 3, at13, [], ['last', 'channels'], 13));
	});

	it('LayerNormalization (opset 17) and its decomposition (opset 13); Erf GELU and its tanh form', async () => {
		const decomposed: NodeSpec[] = [
			{ op: 'ReduceMean', inputs: ['image'], outputs: ['mu'], attributes: { axes: { ints: [-1] } } },
			{ op: 'Sub', inputs: ['image', 'mu'], outputs: ['d'] },
			{ op: 'Pow', inputs: ['d', 'two'], outputs: ['d2'] },
			{ op: 'ReduceMean', inputs: ['d2'], outputs: ['var'], attributes: { axes: { ints: [-1] } } },
			{ op: 'Add', inputs: ['var', 'eps'], outputs: ['ve'] },
			{ op: 'Sqrt', inputs: ['ve'], outputs: ['sd'] },
			{ op: 'Div', inputs: ['d', 'sd'], outputs: ['n'] },
			{ op: 'Mul', inputs: ['n', 'gamma'], outputs: ['ng'] },
			{ op: 'Add', inputs: ['ng', 'beta'], outputs: ['ln'] },
			// GELU as torch.onnx exports it: x * 0.5 * (1 + erf(x / sqrt 2))
			{ op: 'Div', inputs: ['ln', 'sqrt2'], outputs: ['g1'] },
			{ op: 'Erf', inputs: ['g1'], outputs: ['g2'] },
			{ op: 'Add', inputs: ['g2', 'one'], outputs: ['g3'] },
			{ op: 'Mul', inputs: ['ln', 'g3'], outputs: ['g4'] },
			{ op: 'Mul', inputs: ['g4', 'half'], outputs: ['gelu'] }
		];
		const scalar = (name: string, v: number): TensorSpec => ({ name, dims: [], data: [v] });
		const inits = [scalar('two', 2), scalar('eps', 1e-5), weight('gamma', [5]), weight('beta', [5]), scalar('sqrt2', Math.SQRT2), scalar('one', 1), scalar('half', 0.5)];
		await compareWithOrt(model(3, 4, 5, decomposed, inits, ['ln', 'gelu'], 13));
		const native: NodeSpec[] = [
			{ op: 'LayerNormalization', inputs: ['image', 'gamma', 'beta'], outputs: ['ln'], attributes: { epsilon: { f: 1e-5 } } },
			{ op: 'LayerNormalization', inputs: ['image', 'gamma3'], outputs: ['ln3'], attributes: { axis: { i: 2 } } },
			// GELU's tanh form as exported from nn.GELU(approximate="tanh")
			{ op: 'Pow', inputs: ['ln', 'three'], outputs: ['t1'] },
			{ op: 'Mul', inputs: ['t1', 'c044'], outputs: ['t2'] },
			{ op: 'Add', inputs: ['ln', 't2'], outputs: ['t3'] },
			{ op: 'Mul', inputs: ['t3', 'sqrt2pi'], outputs: ['t4'] },
			{ op: 'Tanh', inputs: ['t4'], outputs: ['t5'] },
			{ op: 'Add', inputs: ['t5', 'one'], outputs: ['t6'] },
			{ op: 'Mul', inputs: ['ln', 't6'], outputs: ['t7'] },
			{ op: 'Mul', inputs: ['t7', 'half'], outputs: ['geluTanh'] }
		];
		const inits17 = [...inits, weight('gamma3', [4, 5]), scalar('three', 3), scalar('c044', 0.044715), scalar('sqrt2pi', Math.sqrt(2 / Math.PI))];
		await compareWithOrt(model(3, 4, 5, native, inits17, ['ln', 'ln3', 'geluTanh'], 17));
	});

	it('Gelu (com.microsoft, as ONNX Runtime fuses it) equals the Erf form', async () => {
		const spec: ModelSpec = {
			...model(3, 4, 5, [{ op: 'Gelu', inputs: ['image'], outputs: ['gelu'], domain: 'com.microsoft' }], [], ['gelu']),
			extraOpsets: [{ domain: 'com.microsoft', version: 1 }]
		};
		await compareWithOrt(spec);
	});

	it('a class token as torch.onnx exports cls_token.expand(B, -1, -1): Shape, ConstantOfShape, Equal, Where, Expand, Cast; Pad', async () => {
		const d = 6;
		const int64Value = { t: { name: 'one', dims: [1], data: [1], type: 'int64' as const } };
		const nodes: NodeSpec[] = [
			{ op: 'Pad', inputs: ['image', 'padReflect'], outputs: ['padded0'], attributes: { mode: { s: 'reflect' } } },
			{ op: 'Pad', inputs: ['padded0', 'padConst', 'half'], outputs: ['padded'] },
			{ op: 'Conv', inputs: ['padded', 'patchW'], outputs: ['patches'], attributes: { strides: { ints: [2, 2] }, kernel_shape: { ints: [2, 2] } } },
			{ op: 'Reshape', inputs: ['patches', 'toTokensT'], outputs: ['tokT'] },
			{ op: 'Transpose', inputs: ['tokT'], outputs: ['x'], attributes: { perm: { ints: [0, 2, 1] } } }, // [N, T, D]
			{ op: 'Shape', inputs: ['x'], outputs: ['shape'] },
			{ op: 'Gather', inputs: ['shape', 'i0'], outputs: ['b'], attributes: { axis: { i: 0 } } },
			{ op: 'Unsqueeze', inputs: ['b', 'axis0'], outputs: ['b1'] },
			{ op: 'Concat', inputs: ['b1', 'minusOne', 'minusOne'], outputs: ['target'], attributes: { axis: { i: 0 } } },
			{ op: 'ConstantOfShape', inputs: ['three'], outputs: ['ones'], attributes: { value: int64Value } },
			{ op: 'Mul', inputs: ['ones', 'minusOneScalar'], outputs: ['neg'] },
			{ op: 'Equal', inputs: ['target', 'neg'], outputs: ['eq'] },
			{ op: 'Where', inputs: ['eq', 'ones', 'target'], outputs: ['expandShape'] },
			{ op: 'Expand', inputs: ['cls', 'expandShape'], outputs: ['clsB'] },
			{ op: 'Concat', inputs: ['clsB', 'x'], outputs: ['tokens0'], attributes: { axis: { i: 1 } } },
			// a scale computed from the shape, as older exports did: tokens / sqrt(float(D))
			{ op: 'Gather', inputs: ['shape', 'i2'], outputs: ['dim'], attributes: { axis: { i: 0 } } },
			{ op: 'Cast', inputs: ['dim'], outputs: ['dimF'], attributes: { to: { i: 1 } } },
			{ op: 'Sqrt', inputs: ['dimF'], outputs: ['sqrtD'] },
			{ op: 'Div', inputs: ['tokens0', 'sqrtD'], outputs: ['tokens'] },
			{ op: 'LayerNormalization', inputs: ['tokens', 'g', 'beta'], outputs: ['ln'] },
			{ op: 'Gather', inputs: ['ln', 'i0'], outputs: ['clsOut'], attributes: { axis: { i: 1 } } },
			{ op: 'Gemm', inputs: ['clsOut', 'headW', 'headB'], outputs: ['logits'], attributes: { transB: { i: 1 } } },
			{ op: 'Pad', inputs: ['tokT', 'pad3d'], outputs: ['flatPadded'] }, // [N, D, T] -> [N, D + 1, T + 2]
			{ op: 'Where', inputs: ['mask', 'flatPadded', 'zeroF'], outputs: ['masked'] }
		];
		const inits: TensorSpec[] = [
			ints64('padReflect', [0, 0, 1, 1, 0, 0, 1, 1]), ints64('padConst', [0, 0, 1, 0, 0, 0, 0, 1]), { name: 'half', dims: [], data: [0.5] },
			weight('patchW', [d, 3, 2, 2]), ints64('toTokensT', [0, d, -1]), { name: 'i0', dims: [], data: [0], type: 'int64' }, { name: 'i2', dims: [], data: [2], type: 'int64' },
			ints64('axis0', [0]), ints64('minusOne', [-1]), ints64('three', [3]), { name: 'minusOneScalar', dims: [], data: [-1], type: 'int64' },
			weight('cls', [1, 1, d]), weight('g', [d]), weight('beta', [d]), weight('headW', [4, d]), weight('headB', [4]),
			ints64('pad3d', [0, 1, 0, 0, 0, 2]), { name: 'mask', dims: [1, 1, 22], data: Array.from({ length: 22 }, (_, i) => i % 3), type: 'int32' }, { name: 'zeroF', dims: [], data: [0] }
		];
		// the mask feeds Where as bool in ONNX: declare it int32 here and Cast it
		nodes.splice(nodes.length - 1, 0, { op: 'Cast', inputs: ['maskI'], outputs: ['mask'], attributes: { to: { i: 9 } } });
		inits.find((t) => t.name === 'mask')!.name = 'maskI';
		const imported = await compareWithOrt(model(3, 5, 7, nodes, inits, ['logits', 'masked']), { batch: 3 });
		expect(imported.operators).toMatchObject({ ConstantOfShape: 1, Where: 2, Expand: 1, Pad: 3, Cast: 2 });
	});

	it('a vision-transformer block: patch embedding, LayerNormalization, attention (MatMul, Softmax, Transpose, Reshape), Erf GELU MLP, head', async () => {
		const [d, heads, t] = [8, 2, 16]; // 16x16 image, 4x4 patches -> 16 tokens of width 8
		const hd = d / heads;
		const nodes: NodeSpec[] = [
			{ op: 'Conv', inputs: ['image', 'patchW', 'patchB'], outputs: ['patches'], attributes: { strides: { ints: [4, 4] }, kernel_shape: { ints: [4, 4] } } },
			{ op: 'Reshape', inputs: ['patches', 'toTokensT'], outputs: ['tokT'] }, // [N, D, T]
			{ op: 'Transpose', inputs: ['tokT'], outputs: ['tok0'], attributes: { perm: { ints: [0, 2, 1] } } },
			{ op: 'Add', inputs: ['tok0', 'pos'], outputs: ['tok'] },
			{ op: 'LayerNormalization', inputs: ['tok', 'ln1g', 'ln1b'], outputs: ['ln1'] },
			{ op: 'MatMul', inputs: ['ln1', 'qkvW'], outputs: ['qkv0'] },
			{ op: 'Add', inputs: ['qkv0', 'qkvB'], outputs: ['qkv1'] },
			{ op: 'Reshape', inputs: ['qkv1', 'qkvShape'], outputs: ['qkv2'] }, // [N, T, 3, H, hd]
			{ op: 'Transpose', inputs: ['qkv2'], outputs: ['qkv'], attributes: { perm: { ints: [2, 0, 3, 1, 4] } } }, // [3, N, H, T, hd]
			{ op: 'Gather', inputs: ['qkv', 'i0'], outputs: ['q'], attributes: { axis: { i: 0 } } },
			{ op: 'Gather', inputs: ['qkv', 'i1'], outputs: ['k'], attributes: { axis: { i: 0 } } },
			{ op: 'Gather', inputs: ['qkv', 'i2'], outputs: ['v'], attributes: { axis: { i: 0 } } },
			{ op: 'Transpose', inputs: ['k'], outputs: ['kT'], attributes: { perm: { ints: [0, 1, 3, 2] } } },
			{ op: 'MatMul', inputs: ['q', 'kT'], outputs: ['scores0'] },
			{ op: 'Mul', inputs: ['scores0', 'scale'], outputs: ['scores'] },
			{ op: 'Softmax', inputs: ['scores'], outputs: ['attn'], attributes: { axis: { i: -1 } } },
			{ op: 'MatMul', inputs: ['attn', 'v'], outputs: ['ctx0'] }, // [N, H, T, hd]
			{ op: 'Transpose', inputs: ['ctx0'], outputs: ['ctx1'], attributes: { perm: { ints: [0, 2, 1, 3] } } },
			{ op: 'Reshape', inputs: ['ctx1', 'mergeHeads'], outputs: ['ctx'] },
			{ op: 'MatMul', inputs: ['ctx', 'projW'], outputs: ['proj'] },
			{ op: 'Add', inputs: ['tok', 'proj'], outputs: ['res1'] },
			{ op: 'LayerNormalization', inputs: ['res1', 'ln2g', 'ln2b'], outputs: ['ln2'] },
			{ op: 'MatMul', inputs: ['ln2', 'fc1W'], outputs: ['fc1'] },
			{ op: 'Div', inputs: ['fc1', 'sqrt2'], outputs: ['e1'] },
			{ op: 'Erf', inputs: ['e1'], outputs: ['e2'] },
			{ op: 'Add', inputs: ['e2', 'one'], outputs: ['e3'] },
			{ op: 'Mul', inputs: ['fc1', 'e3'], outputs: ['e4'] },
			{ op: 'Mul', inputs: ['e4', 'half'], outputs: ['gelu'] },
			{ op: 'MatMul', inputs: ['gelu', 'fc2W'], outputs: ['fc2'] },
			{ op: 'Add', inputs: ['res1', 'fc2'], outputs: ['res2'] },
			{ op: 'ReduceMean', inputs: ['res2'], outputs: ['pooled'], attributes: { axes: { ints: [1] }, keepdims: { i: 0 } } },
			{ op: 'Gemm', inputs: ['pooled', 'headW', 'headB'], outputs: ['logits'], attributes: { transB: { i: 1 } } },
			{ op: 'Softmax', inputs: ['logits'], outputs: ['probabilities'] }
		];
		const scalar = (name: string, v: number): TensorSpec => ({ name, dims: [], data: [v] });
		const inits: TensorSpec[] = [
			weight('patchW', [d, 3, 4, 4], 0.3), weight('patchB', [d]), ints64('toTokensT', [0, d, -1]), weight('pos', [1, t, d]),
			weight('ln1g', [d]), weight('ln1b', [d]), weight('qkvW', [d, 3 * d]), weight('qkvB', [3 * d]), ints64('qkvShape', [0, t, 3, heads, hd]),
			{ name: 'i0', dims: [], data: [0], type: 'int64' }, { name: 'i1', dims: [], data: [1], type: 'int64' }, { name: 'i2', dims: [], data: [-1], type: 'int64' },
			scalar('scale', 1 / Math.sqrt(hd)), ints64('mergeHeads', [0, 0, d]), weight('projW', [d, d]), weight('ln2g', [d]), weight('ln2b', [d]),
			weight('fc1W', [d, 4 * d]), scalar('sqrt2', Math.SQRT2), scalar('one', 1), scalar('half', 0.5), weight('fc2W', [4 * d, d]),
			weight('headW', [10, d]), weight('headB', [10])
		];
		const imported = await compareWithOrt(model(3, 16, 16, nodes, inits, ['probabilities', 'logits', 'attn']), { batch: 3 });
		expect(imported).toMatchObject({ inputSize: { height: 16, width: 16 }, channels: 3, layout: 'NHWC', sourceLayout: 'NCHW', outputCount: 10, outputShape: [10], opset: 17 });
	});
});

/** A small smooth CNN (no kinks, so central differences are accurate). */
function smoothCnn(): ModelSpec {
	const nodes: NodeSpec[] = [
		{ op: 'Conv', inputs: ['image', 'w1', 'b1'], outputs: ['c1'], attributes: { pads: { ints: [1, 1, 1, 1] }, strides: { ints: [2, 2] } } },
		{ op: 'BatchNormalization', inputs: ['c1', 's', 'b', 'm', 'v'], outputs: ['bn'] },
		{ op: 'Sigmoid', inputs: ['bn'], outputs: ['a1'] },
		{ op: 'Conv', inputs: ['a1', 'w2'], outputs: ['c2'], attributes: { group: { i: 4 }, pads: { ints: [1, 1, 1, 1] } } },
		{ op: 'AveragePool', inputs: ['c2'], outputs: ['p'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
		{ op: 'GlobalAveragePool', inputs: ['p'], outputs: ['g'] },
		{ op: 'Flatten', inputs: ['g'], outputs: ['f'] },
		{ op: 'Gemm', inputs: ['f', 'fcW', 'fcB'], outputs: ['logits'], attributes: { transB: { i: 1 } } }
	];
	const inits = [weight('w1', [4, 3, 3, 3]), weight('b1', [4]), weight('s', [4]), weight('b', [4]), weight('m', [4]), { ...weight('v', [4]), data: [1, 2, 0.5, 1] }, weight('w2', [4, 1, 3, 3]), weight('fcW', [5, 4], 2), weight('fcB', [5])];
	return model(3, 8, 8, nodes, inits, ['logits']);
}

describe('the imported model', () => {
	it('has the gradient of a logit w.r.t. the NHWC input (saliency): central differences agree, finite and not constant', async () => {
		const { model: m } = await importOnnx(writeOnnx(smoothCnn()));
		const x = tf.tensor4d(random(8 * 8 * 3, 7, 0, 1), [1, 8, 8, 3]);
		const logit = (input: tf.Tensor) => m.predict(input).slice([0, 2], [1, 1]).sum();
		const gradient = tf.grad(logit)(x);
		const g = Float32Array.from(gradient.dataSync());
		expect(g.every(Number.isFinite)).toBe(true);
		expect(g.reduce((m, v) => Math.max(m, v), -Infinity) - g.reduce((m, v) => Math.min(m, v), Infinity)).toBeGreaterThan(1e-4);
		// central differences in float32 at a few pixels, eps 1e-2
		const values = x.dataSync();
		for (const i of [0, 37, 100, 191]) {
			const at = (delta: number) => {
				const v = Float32Array.from(values);
				v[i]! += delta;
				return tf.tidy(() => logit(tf.tensor4d(v, [1, 8, 8, 3])).dataSync()[0]!);
			};
			const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
			expect(Math.abs(numeric - g[i]!)).toBeLessThan(1e-3 + 1e-2 * Math.abs(g[i]!));
		}
		tf.dispose([x, gradient]);
		m.dispose();
	});

	it('does not leak tensors when run, and frees its weights when disposed', async () => {
		const before = tf.memory().numTensors;
		const { model: m } = await importOnnx(writeOnnx(smoothCnn()));
		const loaded = tf.memory().numTensors;
		const x = tf.zeros([2, 8, 8, 3]);
		for (let i = 0; i < 3; i++) tf.dispose(m.predict(x));
		tf.dispose(tf.grad((input: tf.Tensor) => m.predict(input).sum())(x));
		x.dispose();
		expect(tf.memory().numTensors).toBe(loaded);
		m.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});

	it('saves as a TF.js model folder and loads back with the same outputs (also from memory, as a browser would)', async () => {
		const { model: m } = await importOnnx(writeOnnx(smoothCnn()));
		const dir = mkdtempSync(path.join(tmpdir(), 'onnx-import-'));
		try {
			await m.save(folderSaveHandler(dir));
			expect(readdirSync(dir).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
			const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
			expect(json.format).toBe('onnx-op-graph');
			const fromFolder = await loadOnnxGraphModel(folderModelHandler(dir));
			let artifacts: tf.io.ModelArtifacts | undefined;
			await m.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
			const fromMemory = await loadOnnxGraphModel(tf.io.fromMemory(artifacts!));
			const x = tf.tensor4d(random(2 * 8 * 8 * 3, 11), [2, 8, 8, 3]);
			const expected = m.predict(x);
			for (const other of [fromFolder, fromMemory]) {
				const y = other.predict(x);
				expect(maxAbsDiff(y.dataSync(), expected.dataSync())).toBe(0);
				y.dispose();
				other.dispose();
			}
			tf.dispose([x, expected]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
			m.dispose();
		}
	});

	it('refuses a model.json that is not an imported ONNX graph', async () => {
		await expect(loadOnnxGraphModel(tf.io.fromMemory({ modelTopology: { class_name: 'Sequential' }, format: 'layers-model' }))).rejects.toThrow(/not an imported ONNX graph \(its format is "layers-model"/);
	});
});

describe('bad files get clear errors', () => {
	const good = () => writeOnnx(smoothCnn());

	it('an empty, truncated or foreign file', async () => {
		await expect(importOnnx(new Uint8Array())).rejects.toThrow(new OnnxImportError('the ONNX file is empty'));
		const bytes = good();
		await expect(importOnnx(bytes.slice(0, Math.floor(bytes.length * 0.6)))).rejects.toThrow(/not a readable ONNX model .*is the file complete/);
		const png = readFileSync('static/stimuli/photos/bucket.png');
		await expect(importOnnx(new Uint8Array(png))).rejects.toThrow(/not (a readable ONNX model|an ONNX model)/);
	});

	it('an opset outside 11..17', async () => {
		await expect(importOnnx(writeOnnx({ ...smoothCnn(), opset: 10 }))).rejects.toThrow(/uses ONNX opset 10; the importer reads opsets 11 to 17/);
		await expect(importOnnx(writeOnnx({ ...smoothCnn(), opset: 18 }))).rejects.toThrow(/uses ONNX opset 18; the importer reads opsets 11 to 17/);
	});

	it('an unsupported operator, named with its node', async () => {
		const spec = smoothCnn();
		spec.nodes.splice(2, 1, { op: 'Resize', name: 'upsample_3', inputs: ['bn'], outputs: ['a1'] });
		await expect(importOnnx(writeOnnx(spec))).rejects.toThrow(/^node "upsample_3" has operator type "Resize", which the ONNX importer does not support\. Supported operators: .*Conv/);
		spec.nodes.push({ op: 'Loop', name: 'loop', inputs: [], outputs: ['l'] }, { op: 'FusedConv', domain: 'com.microsoft', inputs: [], outputs: ['l2'] });
		await expect(importOnnx(writeOnnx(spec))).rejects.toThrow(/"upsample_3" has operator type "Resize".*2 more unsupported nodes: node "loop" has operator type "Loop"; node "fusedconv_\d+" has operator type "FusedConv" of domain "com.microsoft"/);
	});

	it('an output that is not the number of classes asked for', async () => {
		await expect(importOnnx(good(), { classes: 1000 })).rejects.toThrow(/outputs 5 values per image \(output "logits", shape \[5\]\), not the 1000 classes asked for/);
		expect((await importOnnx(good(), { classes: 5 })).outputCount).toBe(5);
	});

	it('an input that is not one float image, weights kept outside the file, a graph that does not run', async () => {
		await expect(importOnnx(writeOnnx({ ...smoothCnn(), input: { name: 'image', shape: ['N', 3, 8] } }))).rejects.toThrow(/input "image" has 3 dimensions/);
		await expect(importOnnx(writeOnnx({ ...smoothCnn(), input: { name: 'image', shape: ['N', 3, 'H', 'W'] } }))).rejects.toThrow(/no fixed height and width; give the input size/);
		const spec = smoothCnn();
		spec.initializers = spec.initializers!.filter((t) => t.name !== 'fcB');
		await expect(importOnnx(writeOnnx(spec))).rejects.toThrow(/node "gemm_7" reads "fcB", which no earlier node or constant makes/);
		const reshape = smoothCnn();
		reshape.nodes.push({ op: 'Reshape', name: 'bad_view', inputs: ['logits', 'shape'], outputs: ['r'] });
		reshape.initializers!.push(ints64('shape', [3, -1]));
		reshape.outputs = [{ name: 'r' }];
		await expect(importOnnx(writeOnnx(reshape))).rejects.toThrow(/node "bad_view" \(Reshape\) cannot reshape \[1, 5\] to \[3, -1\]/);
	});
});

// ---------------------------------------------------------------------------------------------
// SqueezeNet 1.1 (ONNX Model Zoo, NCHW) rebuilt as an ONNX file from its upstream .npy weights

const MODEL_DIR = defaultModelDir();
const UPSTREAM = path.join(MODEL_DIR, 'squeezenet-1.1', 'upstream');
const noSqueezeNet = !existsSync(path.join(UPSTREAM, 'weights'));

/** A little-endian float32 .npy file (C order). */
function readNpy(file: string): { shape: number[]; data: Float32Array } {
	const bytes = readFileSync(file);
	const headerLength = bytes.readUInt16LE(8);
	const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
	if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True")) throw new Error(`${file}: not a C-order float32 .npy file`);
	const shape = header.match(/'shape': \(([^)]*)\)/)![1]!.split(',').filter((s) => s.trim()).map(Number);
	const start = 10 + headerLength;
	const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
	return { shape, data };
}

/** SqueezeNet 1.1 as the ONNX Model Zoo's graph has it: conv0 3x3/2, fire modules (squeeze 1x1, expand 1x1 and 3x3, Concat), ceil-mode max pools, conv25, global average pool, then x.view(N, -1) and Softmax. */
function squeezeNetSpec(): ModelSpec {
	const w = (i: number): TensorSpec[] => ['weight', 'bias'].map((kind) => {
		const { shape, data } = readNpy(path.join(UPSTREAM, 'weights', `squeezenet0_conv${i}_${kind}.npy`));
		return { name: `conv${i}_${kind}`, dims: shape, data };
	});
	const nodes: NodeSpec[] = [];
	const initializers: TensorSpec[] = [];
	const conv = (i: number, input: string, pad: number, strides = 1) => {
		initializers.push(...w(i));
		nodes.push({ op: 'Conv', name: `conv${i}`, inputs: [input, `conv${i}_weight`, `conv${i}_bias`], outputs: [`conv${i}_pre`], attributes: { pads: { ints: [pad, pad, pad, pad] }, strides: { ints: [strides, strides] } } });
		nodes.push({ op: 'Relu', name: `relu${i}`, inputs: [`conv${i}_pre`], outputs: [`conv${i}`] });
		return `conv${i}`;
	};
	const pool = (input: string, i: number) => {
		nodes.push({ op: 'MaxPool', name: `pool${i}`, inputs: [input], outputs: [`pool${i}`], attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, ceil_mode: { i: 1 } } });
		return `pool${i}`;
	};
	const fire = (input: string, first: number) => {
		const s = conv(first, input, 0);
		const e1 = conv(first + 1, s, 0);
		const e3 = conv(first + 2, s, 1);
		nodes.push({ op: 'Concat', name: `concat${first}`, inputs: [e1, e3], outputs: [`fire${first}`], attributes: { axis: { i: 1 } } });
		return `fire${first}`;
	};
	let x = pool(conv(0, 'data', 0, 2), 0);
	x = pool(fire(fire(x, 1), 4), 1);
	x = pool(fire(fire(x, 7), 10), 2);
	x = conv(25, fire(fire(fire(fire(x, 13), 16), 19), 22), 0);
	nodes.push(
		{ op: 'GlobalAveragePool', name: 'gap', inputs: [x], outputs: ['gap'] },
		{ op: 'Shape', name: 'shape', inputs: ['gap'], outputs: ['shape'] },
		{ op: 'Gather', name: 'batch', inputs: ['shape', 'zero'], outputs: ['batch'], attributes: { axis: { i: 0 } } },
		{ op: 'Unsqueeze', name: 'batch1', inputs: ['batch', 'axis0'], outputs: ['batch1'] },
		{ op: 'Concat', name: 'target', inputs: ['batch1', 'minusOne'], outputs: ['target'], attributes: { axis: { i: 0 } } },
		{ op: 'Reshape', name: 'flatten', inputs: ['gap', 'target'], outputs: ['logits'] },
		{ op: 'Softmax', name: 'softmax', inputs: ['logits'], outputs: ['probabilities'], attributes: { axis: { i: 1 } } }
	);
	initializers.push({ name: 'zero', dims: [], data: [0], type: 'int64' }, ints64('axis0', [0]), ints64('minusOne', [-1]));
	return { opset: 13, input: { name: 'data', shape: ['N', 3, 224, 224] }, outputs: [{ name: 'probabilities' }, { name: 'logits' }], nodes, initializers };
}

describe.skipIf(noSqueezeNet)(`SqueezeNet 1.1 exported as ONNX from the upstream weights${noSqueezeNet ? ` (skipped: no ${UPSTREAM}; set MODEL_DIR)` : ''}`, () => {
	let bytes: Uint8Array;
	let imported: ImportedModel;
	beforeAll(async () => {
		expect(await useFastestNodeBackend('wasm')).toBe('wasm');
		bytes = writeOnnx(squeezeNetSpec());
		imported = await importOnnx(bytes, { classes: 1000 });
	});
	afterAll(async () => {
		imported?.model.dispose();
		await tf.setBackend('cpu');
	});

	it('imports as a 224 x 224 NCHW classifier of 1000 classes', () => {
		expect(imported).toMatchObject({ inputSize: { height: 224, width: 224 }, channels: 3, sourceLayout: 'NCHW', outputCount: 1000, opset: 13 });
		expect(imported.operators).toMatchObject({ Conv: 26, Relu: 26, MaxPool: 3, Concat: 9 });
	});

	it("reproduces upstream's three test vectors", () => {
		for (const i of [0, 1, 2]) {
			const input = readNpy(path.join(UPSTREAM, 'test_data_set', String(i), 'input_0.npy'));
			const output = readNpy(path.join(UPSTREAM, 'test_data_set', String(i), 'output_0.npy'));
			// upstream's vectors are raw 0..255 pixels in and the flattened logits (before softmax) out
			const [y] = imported.model.execute(tf.transpose(tf.tensor(input.data, input.shape), [0, 2, 3, 1]), ['logits']);
			const largest = Math.max(...output.data.map(Math.abs));
			expect(maxAbsDiff(y!.dataSync(), output.data)).toBeLessThan(1e-5 * largest);
			y!.dispose();
		}
	});

	it('has a saliency map on WASM (gradient of the top logit w.r.t. the input): finite and not constant', async () => {
		const photo = rgbFromPng(readFileSync(path.join('static/stimuli/photos', 'koala.png')));
		const x = preprocessBatch([photo], 224, { scale: 'mean-std', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channels: 'rgb' });
		const g = await withWasmBridges(async () => {
			const gradient = tf.grad((input: tf.Tensor) => imported.model.execute(input, ['logits'])[0]!.max(1).sum())(x);
			const data = Float32Array.from(await gradient.data());
			gradient.dispose();
			return data;
		});
		expect(g.length).toBe(224 * 224 * 3);
		expect(g.every(Number.isFinite)).toBe(true);
		expect(g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0);
		expect(new Set(g).size).toBeGreaterThan(1000);
		x.dispose();
	});

	it('agrees with ONNX Runtime on demo photos (logits within 1e-3, probabilities within 1e-5, same top-1)', async () => {
		const photos = ['koala.png', 'coffee.png', 'bucket.png', 'hens.png'].map((file) => rgbFromPng(readFileSync(path.join('static/stimuli/photos', file))));
		// SqueezeNet 1.1's preprocessing (registry.ts): (x / 255 - mean) / std, 224 x 224
		const x = preprocessBatch(photos, 224, { scale: 'mean-std', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channels: 'rgb' });
		const nchw = tf.transpose(x, [0, 3, 1, 2]);
		const ref = await reference(bytes, 'data', nchw, ['probabilities', 'logits']);
		const [probabilities, logits] = imported.model.execute(x, ['probabilities', 'logits']);
		expect(maxAbsDiff(logits!.dataSync(), ref.get('logits')!.data)).toBeLessThan(1e-3);
		expect(maxAbsDiff(probabilities!.dataSync(), ref.get('probabilities')!.data)).toBeLessThan(1e-5);
		const top = (data: ArrayLike<number>, i: number) => {
			const row = Array.from(data).slice(i * 1000, (i + 1) * 1000);
			return row.indexOf(Math.max(...row));
		};
		for (let i = 0; i < photos.length; i++) expect(top(probabilities!.dataSync(), i)).toBe(top(ref.get('probabilities')!.data, i));
		tf.dispose([x, nchw, probabilities!, logits!]);
	});
});
