/**
 * Writes small TFLite flatbuffers from a plain description, with the `flatbuffers` Builder API,
 * field numbers as in schema.fbs (see tflite-schema.ts for the version). The importer's tests
 * build their tiny models with it, one per operator family; it writes only what those need
 * (one subgraph, builtin operators, per-tensor or per-channel quantization).
 */
import { Builder } from 'flatbuffers';
import { BuiltinOptions, FILE_IDENTIFIER, operatorName, TensorType, type TensorTypeName } from './tflite-schema.js';

export interface TensorSpec {
	name?: string;
	shape: number[];
	type: TensorTypeName;
	/** Constant data (little-endian, as the type says); absent for activations. */
	data?: Uint8Array;
	quantization?: { scale: number[]; zeroPoint: number[]; dimension?: number };
}

/** One field of an options table: its number in schema.fbs, its kind and value. */
export type OptionField = [number, 'int8' | 'int32' | 'float32' | 'bool', number | boolean] | [number, 'int32s', number[]];

export interface OperatorSpec {
	/** BuiltinOperator code (tflite-schema.ts BuiltinOperator). */
	code: number;
	inputs: number[];
	outputs: number[];
	/** BuiltinOptions member number and fields, e.g. [BuiltinOptions.Conv2DOptions, [[0, 'int8', 1], ...]]. */
	options?: [number, OptionField[]];
}

export interface ModelSpec {
	tensors: TensorSpec[];
	inputs: number[];
	outputs: number[];
	operators: OperatorSpec[];
	description?: string;
	/** Schema version written (3 unless a test wants another). */
	version?: number;
}

export function writeTflite(spec: ModelSpec): Uint8Array {
	const b = new Builder(1024);
	const int32Vector = (values: number[]) => {
		b.startVector(4, values.length, 4);
		for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
		return b.endVector();
	};
	const offsetVector = (offsets: number[]) => {
		b.startVector(4, offsets.length, 4);
		for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
		return b.endVector();
	};

	// buffers: 0 is the empty sentinel; each constant tensor gets its own
	const bufferIndex: number[] = [];
	const bufferData: (Uint8Array | null)[] = [null];
	for (const t of spec.tensors) {
		bufferIndex.push(t.data ? bufferData.length : 0);
		if (t.data) bufferData.push(t.data);
	}
	const buffers = bufferData.map((data) => {
		let vector = 0;
		if (data) {
			b.startVector(1, data.length, 16); // Buffer.data has force_align: 16
			for (let i = data.length - 1; i >= 0; i--) b.addInt8(data[i]!);
			vector = b.endVector();
		}
		b.startObject(3); // Buffer: data 0
		if (data) b.addFieldOffset(0, vector, 0);
		return b.endObject();
	});

	const tensors = spec.tensors.map((t, i) => {
		const name = b.createString(t.name ?? `tensor_${i}`);
		const shape = int32Vector(t.shape);
		let quantization = 0;
		if (t.quantization) {
			const scale = (() => {
				b.startVector(4, t.quantization.scale.length, 4);
				for (let j = t.quantization.scale.length - 1; j >= 0; j--) b.addFloat32(t.quantization.scale[j]!);
				return b.endVector();
			})();
			const zero = (() => {
				b.startVector(8, t.quantization.zeroPoint.length, 8);
				for (let j = t.quantization.zeroPoint.length - 1; j >= 0; j--) b.addInt64(BigInt(t.quantization.zeroPoint[j]!));
				return b.endVector();
			})();
			b.startObject(7); // QuantizationParameters: scale 2, zero_point 3, quantized_dimension 6
			b.addFieldOffset(2, scale, 0);
			b.addFieldOffset(3, zero, 0);
			b.addFieldInt32(6, t.quantization.dimension ?? 0, 0);
			quantization = b.endObject();
		}
		b.startObject(10); // Tensor: shape 0, type 1, buffer 2, name 3, quantization 4
		b.addFieldOffset(0, shape, 0);
		b.addFieldInt8(1, TensorType[t.type], 0);
		b.addFieldInt32(2, bufferIndex[i]!, 0);
		b.addFieldOffset(3, name, 0);
		if (quantization) b.addFieldOffset(4, quantization, 0);
		return b.endObject();
	});

	const codes = [...new Set(spec.operators.map((o) => o.code))];
	const operators = spec.operators.map((o) => {
		const inputs = int32Vector(o.inputs);
		const outputs = int32Vector(o.outputs);
		let options = 0;
		if (o.options) {
			const fields = o.options[1];
			const vectors = fields.map((f) => (f[1] === 'int32s' ? int32Vector(f[2] as number[]) : 0));
			b.startObject(Math.max(0, ...fields.map((f) => f[0] + 1)));
			fields.forEach((f, j) => {
				const [n, kind, value] = f;
				if (kind === 'int8') b.addFieldInt8(n, value as number, 0);
				else if (kind === 'bool') b.addFieldInt8(n, value ? 1 : 0, 0);
				else if (kind === 'int32') b.addFieldInt32(n, value as number, 0);
				else if (kind === 'float32') b.addFieldFloat32(n, value as number, 0);
				else b.addFieldOffset(n, vectors[j]!, 0);
			});
			options = b.endObject();
		}
		b.startObject(5); // Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4
		b.addFieldInt32(0, codes.indexOf(o.code), 0);
		b.addFieldOffset(1, inputs, 0);
		b.addFieldOffset(2, outputs, 0);
		if (o.options) {
			b.addFieldInt8(3, o.options[0], BuiltinOptions.NONE);
			b.addFieldOffset(4, options, 0);
		}
		return b.endObject();
	});

	const tensorVector = offsetVector(tensors);
	const inputs = int32Vector(spec.inputs);
	const outputs = int32Vector(spec.outputs);
	const operatorVector = offsetVector(operators);
	const graphName = b.createString('main');
	b.startObject(5); // SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4
	b.addFieldOffset(0, tensorVector, 0);
	b.addFieldOffset(1, inputs, 0);
	b.addFieldOffset(2, outputs, 0);
	b.addFieldOffset(3, operatorVector, 0);
	b.addFieldOffset(4, graphName, 0);
	const subgraph = b.endObject();

	const codeTables = codes.map((code) => {
		b.startObject(4); // OperatorCode: deprecated_builtin_code 0, custom_code 1, version 2, builtin_code 3
		b.addFieldInt8(0, Math.min(code, 127), 0);
		b.addFieldInt32(2, 1, 1);
		b.addFieldInt32(3, code, 0);
		return b.endObject();
	});
	if (codes.some((c) => !operatorName(c))) throw new Error('unknown operator code');
	const codeVector = offsetVector(codeTables);
	const subgraphs = offsetVector([subgraph]);
	const description = b.createString(spec.description ?? 'written by tflite-writer.ts');
	const bufferVector = offsetVector(buffers);
	b.startObject(8); // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4
	b.addFieldInt32(0, spec.version ?? 3, 0);
	b.addFieldOffset(1, codeVector, 0);
	b.addFieldOffset(2, subgraphs, 0);
	b.addFieldOffset(3, description, 0);
	b.addFieldOffset(4, bufferVector, 0);
	b.finish(b.endObject(), FILE_IDENTIFIER);
	return b.asUint8Array().slice();
}

/** Little-endian bytes of values in a TFLite tensor type. */
export function tensorBytes(type: 'FLOAT32' | 'FLOAT16' | 'INT32' | 'INT64' | 'UINT8' | 'INT8', values: ArrayLike<number>): Uint8Array {
	const size = { FLOAT32: 4, FLOAT16: 2, INT32: 4, INT64: 8, UINT8: 1, INT8: 1 }[type];
	const out = new Uint8Array(values.length * size);
	const view = new DataView(out.buffer);
	for (let i = 0; i < values.length; i++) {
		const v = values[i]!;
		if (type === 'FLOAT32') view.setFloat32(i * 4, v, true);
		else if (type === 'FLOAT16') view.setUint16(i * 2, toFloat16(v), true);
		else if (type === 'INT32') view.setInt32(i * 4, v, true);
		else if (type === 'INT64') view.setBigInt64(i * 8, BigInt(v), true);
		else if (type === 'UINT8') view.setUint8(i, v);
		else view.setInt8(i, v);
	}
	return out;
}

/** float -> IEEE half (round to nearest; normal range only, enough for test weights). */
function toFloat16(v: number): number {
	if (v === 0) return 0;
	const sign = v < 0 ? 0x8000 : 0;
	const a = Math.abs(v);
	let exponent = Math.floor(Math.log2(a));
	let fraction = Math.round((a / 2 ** exponent - 1) * 1024);
	if (fraction === 1024) [exponent, fraction] = [exponent + 1, 0];
	return sign | ((exponent + 15) << 10) | fraction;
}
