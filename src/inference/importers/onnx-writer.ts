/**
 * Writes ONNX files (a ModelProto, with the same protobufjs descriptor the importer reads) from a
 * plain description: the importer's tests build their models with it, and it can export a model
 * given as weights (e.g. the SqueezeNet 1.1 round trip in onnx.test.ts). Tensors go in raw_data,
 * little-endian, as PyTorch writes them (or in float_data / int64_data with `field: 'typed'`).
 */
import { ModelProtoType } from './onnx.js';

export interface TensorSpec {
	name: string;
	dims: number[];
	data: ArrayLike<number>;
	/** float32 (default), int64 or int32 */
	type?: 'float' | 'int64' | 'int32';
	/** where the values go: raw_data (default) or the typed repeated field */
	field?: 'raw' | 'typed';
}

export type AttributeSpec = { i: number } | { f: number } | { s: string } | { ints: number[] } | { floats: number[] } | { t: TensorSpec };

export interface NodeSpec {
	op: string;
	inputs: string[];
	outputs: string[];
	name?: string;
	domain?: string;
	attributes?: Record<string, AttributeSpec>;
}

export interface ModelSpec {
	/** default-domain opset; default 17 */
	opset?: number;
	/** extra opset imports, e.g. { domain: 'com.microsoft', version: 1 } */
	extraOpsets?: { domain: string; version: number }[];
	irVersion?: number;
	input: { name: string; shape: (number | string)[] };
	outputs: { name: string; shape?: (number | string)[] }[];
	nodes: NodeSpec[];
	initializers?: TensorSpec[];
}

const INT64_MAX = 2n ** 63n - 1n;
/** A JS number as int64; 2^63 (how JS spells INT64_MAX, e.g. a Slice end) becomes INT64_MAX. */
const int64 = (v: number) => {
	const b = BigInt(v);
	return b > INT64_MAX ? INT64_MAX : b < -INT64_MAX - 1n ? -INT64_MAX - 1n : b;
};

const TYPE_CODES = { float: 1, int32: 6, int64: 7 } as const;

export function tensorProto(t: TensorSpec): Record<string, unknown> {
	const type = t.type ?? 'float';
	const proto: Record<string, unknown> = { name: t.name, dims: t.dims, data_type: TYPE_CODES[type] };
	if (t.field === 'typed') {
		if (type === 'float') proto.float_data = Array.from(t.data);
		else if (type === 'int64') proto.int64_data = Array.from(t.data);
		else proto.int32_data = Array.from(t.data);
		return proto;
	}
	const bytes = type === 'int64' ? 8 : 4;
	const buffer = new ArrayBuffer(t.data.length * bytes);
	const view = new DataView(buffer);
	for (let i = 0; i < t.data.length; i++) {
		if (type === 'float') view.setFloat32(i * 4, t.data[i]!, true);
		else if (type === 'int32') view.setInt32(i * 4, t.data[i]!, true);
		else view.setBigInt64(i * 8, int64(t.data[i]!), true);
	}
	proto.raw_data = new Uint8Array(buffer);
	return proto;
}

function attributeProto(name: string, a: AttributeSpec): Record<string, unknown> {
	if ('i' in a) return { name, type: 2, i: a.i };
	if ('f' in a) return { name, type: 1, f: a.f };
	if ('s' in a) return { name, type: 3, s: new TextEncoder().encode(a.s) };
	if ('ints' in a) return { name, type: 7, ints: a.ints };
	if ('floats' in a) return { name, type: 6, floats: a.floats };
	return { name, type: 4, t: tensorProto(a.t) };
}

const valueInfo = (name: string, shape?: (number | string)[]) => ({
	name,
	type: { tensor_type: { elem_type: 1, ...(shape ? { shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } : {}) } }
});

/** The .onnx bytes of a model. */
export function writeOnnx(spec: ModelSpec): Uint8Array {
	const message = ModelProtoType.fromObject({
		ir_version: spec.irVersion ?? 8,
		producer_name: 'see-like-people onnx-writer',
		opset_import: [{ domain: '', version: spec.opset ?? 17 }, ...(spec.extraOpsets ?? [])],
		graph: {
			name: 'graph',
			node: spec.nodes.map((n, i) => ({
				op_type: n.op,
				name: n.name ?? `${n.op.toLowerCase()}_${i}`,
				input: n.inputs,
				output: n.outputs,
				...(n.domain ? { domain: n.domain } : {}),
				attribute: Object.entries(n.attributes ?? {}).map(([name, a]) => attributeProto(name, a))
			})),
			initializer: (spec.initializers ?? []).map(tensorProto),
			input: [valueInfo(spec.input.name, spec.input.shape)],
			output: spec.outputs.map((o) => valueInfo(o.name, o.shape))
		}
	});
	return ModelProtoType.encode(message).finish();
}
