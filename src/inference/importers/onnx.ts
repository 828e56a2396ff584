/**
 * The ONNX importer: an .onnx file (opset 11 to 17) -> an `OnnxGraphModel` (onnx-graph.ts), a
 * differentiable TF.js model that takes the platform's NHWC images and can be saved and loaded
 * with TF.js's IO handlers.
 *
 * The file is read with protobufjs and the official onnx.proto (vendored beside this file, from
 * github.com/onnx/onnx, onnx/onnx.proto at commit f7546912001bc31e92a238b17068a21b373d882e;
 * onnx-proto.json is its descriptor, rebuilt by onnx-proto-build.ts). Every check that can fail
 * says which part of the file it is about: the opset, the input, the node and operator type, the
 * tensor, the output count.
 */
import * as tf from '@tensorflow/tfjs';
import protobuf from 'protobufjs/light.js';
import descriptor from './onnx-proto.json' with { type: 'json' };
import { OnnxGraphModel, OnnxGraphError, OPS, SUPPORTED_OPERATORS, ONNX_GRAPH_FORMAT, type AttributeValue, type OnnxGraphNode, type OnnxGraphTopology } from './onnx-graph.js';

export { OnnxGraphModel, loadOnnxGraphModel, SUPPORTED_OPERATORS } from './onnx-graph.js';

/** The default-domain opsets the importer reads. */
export const OPSET_RANGE = { min: 11, max: 17 } as const;

export class OnnxImportError extends Error {}

/** What `importOnnx` returns. */
export interface ImportedModel {
	/** The model: `predict(x)` takes an NHWC float batch [N, height, width, channels] and returns the ONNX graph's first output (for a classifier [N, classes]). */
	model: OnnxGraphModel;
	/** The ONNX input's spatial size (the size `predict` expects). */
	inputSize: { height: number; width: number };
	channels: number;
	/** The layout `predict` takes: always NHWC, the platform's. */
	layout: 'NHWC';
	/** The ONNX input's own layout: NCHW (PyTorch) inputs are kept NHWC inside (see onnx-graph.ts). */
	sourceLayout: 'NCHW' | 'NHWC';
	/** Values per image of the first output, and that output's shape without the batch. */
	outputCount: number;
	outputShape: number[];
	inputName: string;
	outputName: string;
	opset: number;
	irVersion: number;
	/** producer_name and producer_version, e.g. "pytorch 2.1.0". */
	producer: string;
	/** How many nodes of each operator type the graph has. */
	operators: Record<string, number>;
}

export interface ImportOptions {
	/** Require this many values per image in the first output (e.g. 1000 for an ImageNet classifier). */
	classes?: number;
	/** The spatial size for an input whose height and width are not fixed in the file. */
	inputSize?: number;
}

// protobufjs types of onnx.proto, decoded to plain objects (snake_case names as in the .proto)
interface TensorProto {
	dims?: number[];
	data_type?: number;
	float_data?: number[];
	int32_data?: number[];
	int64_data?: number[];
	double_data?: number[];
	uint64_data?: number[];
	raw_data?: Uint8Array;
	name?: string;
	data_location?: number;
	segment?: object;
}
interface AttributeProto {
	name: string;
	type?: number;
	f?: number;
	i?: number;
	s?: Uint8Array;
	t?: TensorProto;
	g?: object;
	floats?: number[];
	ints?: number[];
	strings?: Uint8Array[];
	tensors?: TensorProto[];
	graphs?: object[];
}
interface NodeProto {
	input?: string[];
	output?: string[];
	name?: string;
	op_type?: string;
	domain?: string;
	attribute?: AttributeProto[];
}
interface ValueInfoProto {
	name: string;
	type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
}
interface GraphProto {
	node?: NodeProto[];
	name?: string;
	initializer?: TensorProto[];
	input?: ValueInfoProto[];
	output?: ValueInfoProto[];
}
interface ModelProto {
	ir_version?: number;
	opset_import?: { domain?: string; version?: number }[];
	producer_name?: string;
	producer_version?: string;
	graph?: GraphProto;
}

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
/** onnx.ModelProto, for reading and (onnx-writer.ts) writing files. */
export const ModelProtoType = root.lookupType('onnx.ModelProto');

/** TensorProto.DataType codes (onnx.proto) and how the importer stores each. */
const DATA_TYPES: Record<number, { name: string; as: 'float32' | 'int32' }> = {
	1: { name: 'FLOAT', as: 'float32' },
	2: { name: 'UINT8', as: 'int32' },
	3: { name: 'INT8', as: 'int32' },
	4: { name: 'UINT16', as: 'int32' },
	5: { name: 'INT16', as: 'int32' },
	6: { name: 'INT32', as: 'int32' },
	7: { name: 'INT64', as: 'int32' },
	9: { name: 'BOOL', as: 'int32' },
	10: { name: 'FLOAT16', as: 'float32' },
	11: { name: 'DOUBLE', as: 'float32' },
	12: { name: 'UINT32', as: 'int32' },
	13: { name: 'UINT64', as: 'int32' }
};
const RAW_READERS: Record<number, [number, (view: DataView, offset: number) => number]> = {
	1: [4, (v, o) => v.getFloat32(o, true)],
	2: [1, (v, o) => v.getUint8(o)],
	3: [1, (v, o) => v.getInt8(o)],
	4: [2, (v, o) => v.getUint16(o, true)],
	5: [2, (v, o) => v.getInt16(o, true)],
	6: [4, (v, o) => v.getInt32(o, true)],
	7: [8, (v, o) => Number(v.getBigInt64(o, true))],
	9: [1, (v, o) => v.getUint8(o)],
	10: [2, (v, o) => float16(v.getUint16(o, true))],
	11: [8, (v, o) => v.getFloat64(o, true)],
	12: [4, (v, o) => v.getUint32(o, true)],
	13: [8, (v, o) => Number(v.getBigUint64(o, true))]
};

/** IEEE half -> number. */
function float16(bits: number): number {
	const sign = bits & 0x8000 ? -1 : 1;
	const exponent = (bits >> 10) & 0x1f;
	const fraction = bits & 0x3ff;
	if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
	if (exponent === 31) return fraction ? NaN : sign * Infinity;
	return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const INT32_MAX = 2 ** 31 - 1;
/** ONNX int64 values (e.g. INT64_MAX as "to the end" in Slice) clamped into int32, which TF.js holds. */
const clampInt = (v: number) => Math.max(-INT32_MAX - 1, Math.min(INT32_MAX, v));

/** A TensorProto as a TF.js tensor (float32 for floating types, int32 for integer and boolean ones). */
function toTfTensor(t: TensorProto, where: string): tf.Tensor {
	if (t.data_location === 1) throw new OnnxImportError(`${where} keeps its data in an external file; save the model with all tensors inside the .onnx file (onnx.save_model(model, path, save_as_external_data=False))`);
	if (t.segment) throw new OnnxImportError(`${where} is split into segments, which the importer does not read`);
	const code = t.data_type ?? 0;
	const type = DATA_TYPES[code];
	if (!type) throw new OnnxImportError(`${where} has data type ${code}, which the importer does not read (it reads float, float16, double and integer tensors)`);
	const shape = (t.dims ?? []).map(Number);
	const size = shape.reduce((a, b) => a * b, 1);
	let values: ArrayLike<number>;
	if (t.raw_data && t.raw_data.length > 0) {
		const [bytes, read] = RAW_READERS[code]!;
		if (t.raw_data.length !== size * bytes) throw new OnnxImportError(`${where} has ${t.raw_data.length} bytes of data, not the ${size * bytes} its shape [${shape.join(', ')}] needs (is the file complete?)`);
		const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
		const out = new Float64Array(size);
		for (let i = 0; i < size; i++) out[i] = read(view, i * bytes);
		values = out;
	} else {
		const field = code === 1 ? t.float_data : code === 7 ? t.int64_data : code === 11 ? t.double_data : code === 13 ? t.uint64_data : t.int32_data;
		const data = (field ?? []).map(Number);
		values = code === 10 ? data.map(float16) : data;
		if (values.length !== size) throw new OnnxImportError(`${where} has ${values.length} values, not the ${size} its shape [${shape.join(', ')}] needs (is the file complete?)`);
	}
	if (type.as === 'float32') return tf.tensor(Float32Array.from(values), shape, 'float32');
	return tf.tensor(Int32Array.from(values, clampInt), shape, 'int32');
}

const utf8 = new TextDecoder();

function attributeValue(a: AttributeProto, where: string): AttributeValue {
	// type codes: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8
	switch (a.type) {
		case 1:
			return a.f ?? 0;
		case 2:
			return Number(a.i ?? 0);
		case 3:
			return utf8.decode(a.s ?? new Uint8Array());
		case 6:
			return (a.floats ?? []).map(Number);
		case 7:
			return (a.ints ?? []).map(Number);
		case 8:
			return (a.strings ?? []).map((s) => utf8.decode(s));
		case 4: {
			// a small tensor, e.g. ConstantOfShape's value
			const t = toTfTensor(a.t ?? {}, `${where}'s attribute "${a.name}"`);
			if (t.size > 64) throw new OnnxImportError(`${where} has a tensor attribute "${a.name}" of ${t.size} values; the importer keeps only small ones (64 values at most)`);
			const value = { dims: t.shape.slice(), data: Array.from(t.dataSync()), dtype: t.dtype === 'int32' ? ('int32' as const) : ('float32' as const) };
			t.dispose();
			return value;
		}
		default:
			throw new OnnxImportError(`${where} has attribute "${a.name}" of a kind the importer does not read (type ${a.type ?? 'not given'})`);
	}
}

/** Reads the bytes of an .onnx file (protobuf ModelProto) into plain objects. */
export function parseOnnx(bytes: Uint8Array): ModelProto {
	if (bytes.length === 0) throw new OnnxImportError('the ONNX file is empty');
	let message: protobuf.Message;
	try {
		message = ModelProtoType.decode(bytes);
	} catch (error) {
		throw new OnnxImportError(`this is not a readable ONNX model (${(error as Error).message}); is the file complete and an .onnx file?`);
	}
	const model = ModelProtoType.toObject(message, { longs: Number, defaults: false, arrays: true }) as ModelProto;
	if (!model.graph || !model.ir_version) throw new OnnxImportError('this is not an ONNX model: it has no graph or no IR version (is it an .onnx file?)');
	return model;
}

/** The default-domain opset, checked against OPSET_RANGE. */
function opsetOf(model: ModelProto): number {
	const entry = (model.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
	if (!entry?.version) throw new OnnxImportError('the model declares no ONNX opset (opset_import has no entry for the default domain)');
	const v = Number(entry.version);
	if (v < OPSET_RANGE.min || v > OPSET_RANGE.max) {
		throw new OnnxImportError(`the model uses ONNX opset ${v}; the importer reads opsets ${OPSET_RANGE.min} to ${OPSET_RANGE.max} (export it again with e.g. torch.onnx.export(..., opset_version=17), or convert it with onnx.version_converter)`);
	}
	return v;
}

/** Operators of other domains the importer reads. */
const OTHER_DOMAINS: Record<string, string[]> = { 'com.microsoft': ['Gelu'] };

/**
 * Imports an ONNX model. The graph must have one float image input (NCHW, or NHWC) of fixed
 * height and width (else give `options.inputSize`), and use only SUPPORTED_OPERATORS. The model is
 * run once on a zero image to learn its output shape (and check `options.classes`).
 */
export async function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportedModel> {
	const proto = parseOnnx(bytes);
	const opset = opsetOf(proto);
	const graph = proto.graph!;
	const weights: tf.NamedTensorMap = {};
	const dispose = () => Object.values(weights).forEach((t) => t.dispose());
	try {
		for (const init of graph.initializer ?? []) {
			if (!init.name) throw new OnnxImportError('an initializer has no name');
			weights[init.name] = toTfTensor(init, `initializer "${init.name}"`);
		}

		// the image input: the graph input no initializer feeds
		const inputs = (graph.input ?? []).filter((i) => !(i.name in weights));
		if (inputs.length !== 1) throw new OnnxImportError(`the model has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ') || 'none'}); the importer reads models with one image input`);
		const input = inputs[0]!;
		const tensorType = input.type?.tensor_type;
		if (tensorType?.elem_type !== 1) throw new OnnxImportError(`the input "${input.name}" is not a float tensor (element type ${tensorType?.elem_type ?? 'not given'}); the importer reads models that take float images`);
		const dims = (tensorType.shape?.dim ?? []).map((d) => (d.dim_value ? Number(d.dim_value) : null));
		if (dims.length !== 4) throw new OnnxImportError(`the input "${input.name}" has ${dims.length} dimensions; an image model takes 4 (batch, channels, height, width)`);
		const channelsFirst = dims[1] === 3 || dims[1] === 1;
		const channelsLast = !channelsFirst && (dims[3] === 3 || dims[3] === 1);
		if (!channelsFirst && !channelsLast) throw new OnnxImportError(`the input "${input.name}" has shape [${dims.map((d) => d ?? '?').join(', ')}]: neither NCHW nor NHWC with 1 or 3 channels`);
		const [h, w, channels] = channelsFirst ? [dims[2], dims[3], dims[1]!] : [dims[1], dims[2], dims[3]!];
		const height = h ?? options.inputSize;
		const width = w ?? options.inputSize;
		if (!height || !width) throw new OnnxImportError(`the input "${input.name}" has no fixed height and width; give the input size (options.inputSize)`);

		// nodes: Constant nodes become constants, the rest are checked against the operators the runtime has
		const nodes: OnnxGraphNode[] = [];
		const operators: Record<string, number> = {};
		const unsupported: string[] = [];
		const names = new Set<string>();
		(graph.node ?? []).forEach((node, index) => {
			const op = node.op_type ?? '';
			const outputs = node.output ?? [];
			let name = node.name || `#${index} (output "${outputs[0] ?? ''}")`;
			if (names.has(name)) name = `${name} #${index}`;
			names.add(name);
			operators[op] = (operators[op] ?? 0) + 1;
			const where = `node "${name}" (${op})`;
			const domain = node.domain && node.domain !== 'ai.onnx' ? node.domain : '';
			if (domain && !OTHER_DOMAINS[domain]?.includes(op)) {
				unsupported.push(`node "${name}" has operator type "${op}" of domain "${domain}"`);
				return;
			}
			if (op === 'Constant') {
				const a = node.attribute?.[0];
				if (!a || !outputs[0]) throw new OnnxImportError(`${where} has no value`);
				const tensor =
					a.name === 'value' && a.t
						? toTfTensor(a.t, `${where}'s value`)
						: a.name === 'value_float'
							? tf.scalar(a.f ?? 0)
							: a.name === 'value_floats'
								? tf.tensor1d((a.floats ?? []).map(Number))
								: a.name === 'value_int'
									? tf.scalar(clampInt(Number(a.i ?? 0)), 'int32')
									: a.name === 'value_ints'
										? tf.tensor1d((a.ints ?? []).map((v) => clampInt(Number(v))), 'int32')
										: null;
				if (!tensor) throw new OnnxImportError(`${where} has a value of kind "${a.name}", which the importer does not read`);
				weights[outputs[0]] = tensor;
				return;
			}
			if (!(op in OPS)) {
				unsupported.push(`node "${name}" has operator type "${op}"`);
				return;
			}
			const attributes: Record<string, AttributeValue> = {};
			for (const a of node.attribute ?? []) attributes[a.name] = attributeValue(a, where);
			nodes.push({ op, name, inputs: node.input ?? [], outputs, attributes });
		});
		if (unsupported.length > 0) {
			const more = unsupported.length > 1 ? `; ${unsupported.length - 1} more unsupported node${unsupported.length > 2 ? 's' : ''}: ${unsupported.slice(1, 6).join('; ')}${unsupported.length > 6 ? '; ...' : ''}` : '';
			throw new OnnxImportError(`${unsupported[0]}, which the ONNX importer does not support${more}. Supported operators: ${SUPPORTED_OPERATORS.join(', ')}`);
		}

		const output = graph.output?.[0];
		if (!output) throw new OnnxImportError('the model declares no output');
		const topology: OnnxGraphTopology = {
			format: ONNX_GRAPH_FORMAT,
			version: 1,
			opset,
			input: { name: input.name, shape: dims, layout: channelsFirst ? 'NCHW' : 'NHWC' },
			outputs: (graph.output ?? []).map((o) => o.name),
			nodes
		};
		const model = new OnnxGraphModel(topology, weights);

		// one run on a zero image: the output shape, and any error the graph has at run time
		let outputShape: number[];
		const zeros = tf.zeros([1, height, width, channels]);
		try {
			const probe = model.predict(zeros);
			outputShape = probe.shape.slice(1);
			probe.dispose();
		} catch (error) {
			model.dispose();
			throw error instanceof OnnxGraphError ? new OnnxImportError(`the model does not run: ${error.message}`) : error;
		} finally {
			zeros.dispose();
		}
		const outputCount = outputShape.reduce((a, b) => a * b, 1);
		if (options.classes !== undefined && outputCount !== options.classes) {
			model.dispose();
			throw new OnnxImportError(`the model outputs ${outputCount} values per image (output "${output.name}", shape [${outputShape.join(', ')}]), not the ${options.classes} classes asked for`);
		}
		return {
			model,
			inputSize: { height, width },
			channels,
			layout: 'NHWC',
			sourceLayout: topology.input.layout,
			outputCount,
			outputShape,
			inputName: input.name,
			outputName: output.name,
			opset,
			irVersion: Number(proto.ir_version),
			producer: [proto.producer_name, proto.producer_version].filter(Boolean).join(' '),
			operators
		};
	} catch (error) {
		dispose();
		if (error instanceof OnnxGraphError) throw new OnnxImportError(error.message);
		throw error;
	}
}
