/**
 * A reader for TensorFlow Lite flatbuffers: typed accessors, written by hand, for the tables and
 * fields of the TFLite schema that the importer (tflite.ts) needs. No flatc exists here, so this
 * follows the official schema file field by field:
 *   tensorflow/tensorflow, tensorflow/compiler/mlir/lite/schema/schema.fbs at commit
 *   b6971fc8f4c9b60aa9a49366a0113505fa82a761 (schema version 3, file identifier "TFL3"; the
 *   same file lived at tensorflow/lite/schema/schema.fbs before 2024).
 * A flatbuffer table's field number i sits at vtable slot 4 + 2 i; a union field takes two
 * numbers (its `_type` byte, then the table). The field numbers below are those of that file.
 *
 * The `flatbuffers` runtime reads the primitives; every offset is checked against the file's
 * length first (the runtime does not check, and reads past the end as zeros), so a truncated or
 * corrupt file gives a `TfliteFormatError` saying where, never garbage.
 */
import { ByteBuffer } from 'flatbuffers';

export class TfliteFormatError extends Error {}

/** TensorType (schema.fbs `enum TensorType : byte`). */
export const TENSOR_TYPES = [
	'FLOAT32', 'FLOAT16', 'INT32', 'UINT8', 'INT64', 'STRING', 'BOOL', 'INT16', 'COMPLEX64', 'INT8',
	'FLOAT64', 'COMPLEX128', 'UINT64', 'RESOURCE', 'VARIANT', 'UINT32', 'UINT16', 'INT4', 'BFLOAT16'
] as const;
export type TensorTypeName = (typeof TENSOR_TYPES)[number];
export const TensorType = Object.fromEntries(TENSOR_TYPES.map((n, i) => [n, i])) as Record<TensorTypeName, number>;

/**
 * BuiltinOperator (schema.fbs `enum BuiltinOperator : int32`), by code: the name an error shows.
 * Codes 0..161 and DILATE (203); the STABLEHLO_* codes in between are named by number.
 */
const OPERATOR_NAMES = (
	'ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE EMBEDDING_LOOKUP FLOOR ' +
	'FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D LOCAL_RESPONSE_NORMALIZATION LOGISTIC LSH_PROJECTION ' +
	'LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH SVDF TANH ' +
	'CONCAT_EMBEDDINGS SKIP_GRAM CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER ' +
	'BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE ' +
	'BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM ' +
	'ARG_MAX MINIMUM LESS NEG PADV2 GREATER GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE ' +
	'TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK ' +
	'LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD ' +
	'RANGE RESIZE_NEAREST_NEIGHBOR LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N ' +
	'GATHER_ND COS WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE ' +
	'NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND SELECT_V2 DENSIFY SEGMENT_SUM BATCH_MATMUL ' +
	'PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE BROADCAST_TO RFFT2D CONV_3D IMAG REAL COMPLEX_ABS HASHTABLE ' +
	'HASHTABLE_FIND HASHTABLE_IMPORT HASHTABLE_SIZE REDUCE_ALL CONV_3D_TRANSPOSE VAR_HANDLE READ_VARIABLE ' +
	'ASSIGN_VARIABLE BROADCAST_ARGS RANDOM_STANDARD_NORMAL BUCKETIZE RANDOM_UNIFORM MULTINOMIAL GELU ' +
	'DYNAMIC_UPDATE_SLICE RELU_0_TO_1 UNSORTED_SEGMENT_PROD UNSORTED_SEGMENT_MAX UNSORTED_SEGMENT_SUM ATAN2 ' +
	'UNSORTED_SEGMENT_MIN SIGN BITCAST BITWISE_XOR RIGHT_SHIFT'
).split(' ');

export const BuiltinOperator = {
	ADD: 0, AVERAGE_POOL_2D: 1, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6,
	FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18, RELU: 19, RELU6: 21, RESHAPE: 22,
	SOFTMAX: 25, CUSTOM: 32, PAD: 34, MEAN: 40, QUANTIZE: 114, HARD_SWISH: 117
} as const;

export function operatorName(code: number): string {
	if (code === 203) return 'DILATE';
	return OPERATOR_NAMES[code] ?? `STABLEHLO or unknown operator code ${code}`;
}

/** BuiltinOptions union member numbers (schema.fbs `union BuiltinOptions`, 1-based; 0 = NONE). */
export const BuiltinOptions = {
	NONE: 0, Conv2DOptions: 1, DepthwiseConv2DOptions: 2, Pool2DOptions: 5, FullyConnectedOptions: 8,
	SoftmaxOptions: 9, ConcatenationOptions: 10, AddOptions: 11, ReshapeOptions: 17, MulOptions: 21,
	PadOptions: 22, ReducerOptions: 27
} as const;

/** Padding (schema.fbs `enum Padding : byte { SAME, VALID }`). */
export type Padding = 'same' | 'valid';
/** ActivationFunctionType (schema.fbs), by value 0..5. */
export const ACTIVATIONS = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Bounds-checked primitive reads over the whole file. */
class Reader {
	readonly bb: ByteBuffer;
	readonly size: number;
	constructor(readonly bytes: Uint8Array) {
		this.bb = new ByteBuffer(bytes);
		this.size = bytes.length;
	}
	check(offset: number, length: number, what: string): void {
		if (!Number.isInteger(offset) || offset < 0 || offset + length > this.size) {
			throw new TfliteFormatError(`the TFLite file is truncated or corrupt: ${what} would lie at bytes ${offset}..${offset + length} of a ${this.size}-byte file`);
		}
	}
	i8(o: number, what: string) { this.check(o, 1, what); return this.bb.readInt8(o); }
	u8(o: number, what: string) { this.check(o, 1, what); return this.bb.readUint8(o); }
	i16(o: number, what: string) { this.check(o, 2, what); return this.bb.readInt16(o); }
	i32(o: number, what: string) { this.check(o, 4, what); return this.bb.readInt32(o); }
	u32(o: number, what: string) { this.check(o, 4, what); return this.bb.readUint32(o); }
	f32(o: number, what: string) { this.check(o, 4, what); return this.bb.readFloat32(o); }
	i64(o: number, what: string) { this.check(o, 8, what); return this.bb.readInt64(o); }
	u64(o: number, what: string) { this.check(o, 8, what); return this.bb.readUint64(o); }
}

/** One flatbuffer table: fields by their number in schema.fbs. */
export class Table {
	private readonly vtable: number;
	private readonly vtableSize: number;
	constructor(private readonly r: Reader, readonly pos: number, readonly what: string) {
		this.vtable = pos - r.i32(pos, `${what}'s vtable offset`);
		this.vtableSize = r.i16(this.vtable, `${what}'s vtable`);
		r.check(this.vtable, this.vtableSize, `${what}'s vtable`);
	}
	/** Absolute position of field `n`, or 0 when it is absent (its default applies). */
	private field(n: number): number {
		const slot = 4 + 2 * n;
		if (slot >= this.vtableSize) return 0;
		const rel = this.r.i16(this.vtable + slot, `${this.what}'s vtable`);
		return rel === 0 ? 0 : this.pos + rel;
	}
	has(n: number): boolean {
		return this.field(n) !== 0;
	}
	int8(n: number, fallback = 0): number {
		const o = this.field(n);
		return o ? this.r.i8(o, `${this.what} field ${n}`) : fallback;
	}
	uint8(n: number, fallback = 0): number {
		const o = this.field(n);
		return o ? this.r.u8(o, `${this.what} field ${n}`) : fallback;
	}
	bool(n: number, fallback = false): boolean {
		const o = this.field(n);
		return o ? this.r.u8(o, `${this.what} field ${n}`) !== 0 : fallback;
	}
	int32(n: number, fallback = 0): number {
		const o = this.field(n);
		return o ? this.r.i32(o, `${this.what} field ${n}`) : fallback;
	}
	uint32(n: number, fallback = 0): number {
		const o = this.field(n);
		return o ? this.r.u32(o, `${this.what} field ${n}`) : fallback;
	}
	float32(n: number, fallback = 0): number {
		const o = this.field(n);
		return o ? this.r.f32(o, `${this.what} field ${n}`) : fallback;
	}
	uint64(n: number): number {
		const o = this.field(n);
		return o ? Number(this.r.u64(o, `${this.what} field ${n}`)) : 0;
	}
	/** The target of an offset field (table, string or vector), or 0 when absent. */
	private target(n: number, what: string): number {
		const o = this.field(n);
		if (!o) return 0;
		return o + this.r.u32(o, what);
	}
	table(n: number, what: string): Table | null {
		const t = this.target(n, what);
		return t ? new Table(this.r, t, what) : null;
	}
	/** [start, length] of a vector of `elementSize`-byte elements. */
	private vector(n: number, elementSize: number, what: string): [number, number] | null {
		const v = this.target(n, what);
		if (!v) return null;
		const length = this.r.u32(v, `${what}'s length`);
		this.r.check(v + 4, length * elementSize, what);
		return [v + 4, length];
	}
	string(n: number, what: string): string | null {
		const v = this.vector(n, 1, what);
		return v ? new TextDecoder().decode(this.r.bytes.subarray(v[0], v[0] + v[1])) : null;
	}
	bytes(n: number, what: string): Uint8Array | null {
		const v = this.vector(n, 1, what);
		return v ? this.r.bytes.subarray(v[0], v[0] + v[1]) : null;
	}
	int32s(n: number, what: string): number[] {
		const v = this.vector(n, 4, what);
		return v ? Array.from({ length: v[1] }, (_, i) => this.r.i32(v[0] + 4 * i, what)) : [];
	}
	float32s(n: number, what: string): number[] {
		const v = this.vector(n, 4, what);
		return v ? Array.from({ length: v[1] }, (_, i) => this.r.f32(v[0] + 4 * i, what)) : [];
	}
	int64s(n: number, what: string): number[] {
		const v = this.vector(n, 8, what);
		return v ? Array.from({ length: v[1] }, (_, i) => Number(this.r.i64(v[0] + 8 * i, what))) : [];
	}
	tables(n: number, what: (i: number) => string): Table[] {
		const v = this.vector(n, 4, what(-1));
		if (!v) return [];
		return Array.from({ length: v[1] }, (_, i) => {
			const at = v[0] + 4 * i;
			return new Table(this.r, at + this.r.u32(at, what(i)), what(i));
		});
	}
}

export interface Quantization {
	/** f = scale * (q - zero_point), per tensor (one value) or per channel along `dimension`. */
	scale: number[];
	zeroPoint: number[];
	dimension: number;
}

export interface TfliteTensor {
	index: number;
	name: string;
	shape: number[];
	type: TensorTypeName;
	/** Index into the model's buffers; 0 (the empty sentinel) for activations. */
	buffer: number;
	quantization: Quantization | null;
}

export interface TfliteOperator {
	index: number;
	/** The builtin code (max of the deprecated byte field and the int32 field, as TFLite's GetBuiltinCode does). */
	code: number;
	name: string;
	customCode: string | null;
	/** Tensor indices; -1 marks an absent optional input. */
	inputs: number[];
	outputs: number[];
	optionsType: number;
	options: Table | null;
}

export interface TfliteSubgraph {
	name: string;
	tensors: TfliteTensor[];
	inputs: number[];
	outputs: number[];
	operators: TfliteOperator[];
}

export interface TfliteModel {
	version: number;
	description: string;
	subgraphs: TfliteSubgraph[];
	/** Buffer data by index (empty for the sentinel and for activations). */
	buffers: Uint8Array[];
}

/** The file identifier of schema version 3 ("TFL3", bytes 4..7). */
export const FILE_IDENTIFIER = 'TFL3';

/** Parses the flatbuffer's Model table (root_type Model). Throws TfliteFormatError with a sentence. */
export function readTflite(bytes: Uint8Array): TfliteModel {
	if (bytes.length < 8) throw new TfliteFormatError(`not a TFLite file: it has ${bytes.length} bytes, fewer than a flatbuffer header`);
	const ident = String.fromCharCode(...bytes.subarray(4, 8));
	if (ident !== FILE_IDENTIFIER) {
		throw new TfliteFormatError(`not a TFLite file: bytes 4..7 should be the identifier "${FILE_IDENTIFIER}" but are ${JSON.stringify(ident)}`);
	}
	const r = new Reader(bytes);
	const model = new Table(r, r.u32(0, 'the root table offset'), 'Model');
	// Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4
	const version = model.uint32(0);
	if (version !== 3) throw new TfliteFormatError(`unsupported TFLite schema version ${version} (this reader follows version 3)`);
	// OperatorCode: deprecated_builtin_code 0 (byte), custom_code 1, version 2, builtin_code 3 (int32)
	const codes = model.tables(1, (i) => `operator code ${i}`).map((t) => ({
		code: Math.max(t.int8(0), t.int32(3)),
		custom: t.string(1, 'custom code')
	}));
	// Buffer: data 0, offset 1, size 2 (offset/size for files over 2 GB: data outside the flatbuffer)
	const buffers = model.tables(4, (i) => `buffer ${i}`).map((t, i) => {
		const data = t.bytes(0, `buffer ${i}'s data`);
		if (data && data.length > 0) return data;
		const offset = t.uint64(1);
		const size = t.uint64(2);
		if (offset > 1) {
			r.check(offset, size, `buffer ${i}'s data`);
			return bytes.subarray(offset, offset + size);
		}
		return new Uint8Array(0);
	});
	const subgraphs = model.tables(2, (i) => `subgraph ${i}`).map((g): TfliteSubgraph => {
		// SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4
		const tensors = g.tables(0, (i) => `tensor ${i}`).map((t, index): TfliteTensor => {
			// Tensor: shape 0, type 1, buffer 2, name 3, quantization 4
			const typeCode = t.int8(1);
			const type = TENSOR_TYPES[typeCode];
			if (!type) throw new TfliteFormatError(`tensor ${index} has an unknown type code ${typeCode}`);
			// QuantizationParameters: min 0, max 1, scale 2, zero_point 3, details_type 4, details 5, quantized_dimension 6
			const q = t.table(4, `tensor ${index}'s quantization`);
			let quantization: Quantization | null = null;
			if (q) {
				if (q.uint8(4) !== 0) throw new TfliteFormatError(`tensor ${index} uses custom or blockwise quantization, which this importer does not read`);
				const scale = q.float32s(2, `tensor ${index}'s scales`);
				const zeroPoint = q.int64s(3, `tensor ${index}'s zero points`);
				if (scale.length > 0) quantization = { scale, zeroPoint: zeroPoint.length ? zeroPoint : scale.map(() => 0), dimension: q.int32(6) };
			}
			return { index, name: t.string(3, `tensor ${index}'s name`) ?? `tensor_${index}`, shape: t.int32s(0, `tensor ${index}'s shape`), type, buffer: t.uint32(2), quantization };
		});
		// Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4
		const operators = g.tables(3, (i) => `operator ${i}`).map((o, index): TfliteOperator => {
			const opcode = o.uint32(0);
			const c = codes[opcode];
			if (!c) throw new TfliteFormatError(`operator ${index} names operator code ${opcode}, but the file has only ${codes.length}`);
			return {
				index,
				code: c.code,
				name: c.code === BuiltinOperator.CUSTOM ? `CUSTOM "${c.custom ?? ''}"` : operatorName(c.code),
				customCode: c.custom,
				inputs: o.int32s(1, `operator ${index}'s inputs`),
				outputs: o.int32s(2, `operator ${index}'s outputs`),
				optionsType: o.uint8(3),
				options: o.table(4, `operator ${index}'s options`)
			};
		});
		for (const op of operators) {
			for (const t of [...op.inputs, ...op.outputs]) {
				if (t >= tensors.length) throw new TfliteFormatError(`operator ${op.index} (${op.name}) names tensor ${t}, but the subgraph has only ${tensors.length}`);
			}
		}
		return { name: g.string(4, 'subgraph name') ?? '', tensors, inputs: g.int32s(1, 'subgraph inputs'), outputs: g.int32s(2, 'subgraph outputs'), operators };
	});
	for (const g of subgraphs) {
		for (const t of g.tensors) {
			if (t.buffer >= buffers.length) throw new TfliteFormatError(`tensor ${t.index} (${t.name}) names buffer ${t.buffer}, but the file has only ${buffers.length}`);
		}
	}
	return { version, description: model.string(3, 'description') ?? '', subgraphs, buffers };
}

// ---- builtin options (field numbers of schema.fbs) ----

const padding = (v: number): Padding => (v === 1 ? 'valid' : 'same');
const activation = (v: number): Activation => ACTIVATIONS[v] ?? (`code ${v}` as Activation);

export interface Conv2DOptions { padding: Padding; strideW: number; strideH: number; activation: Activation; dilationW: number; dilationH: number }
/** Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation_function 3, dilation_w_factor 4 (=1), dilation_h_factor 5 (=1). */
export function conv2dOptions(t: Table | null): Conv2DOptions {
	return { padding: padding(t?.int8(0) ?? 0), strideW: t?.int32(1) ?? 0, strideH: t?.int32(2) ?? 0, activation: activation(t?.int8(3) ?? 0), dilationW: t?.int32(4, 1) ?? 1, dilationH: t?.int32(5, 1) ?? 1 };
}

export interface DepthwiseConv2DOptions extends Conv2DOptions { depthMultiplier: number }
/** DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3, fused_activation_function 4, dilation_w_factor 5 (=1), dilation_h_factor 6 (=1). */
export function depthwiseConv2dOptions(t: Table | null): DepthwiseConv2DOptions {
	return { padding: padding(t?.int8(0) ?? 0), strideW: t?.int32(1) ?? 0, strideH: t?.int32(2) ?? 0, depthMultiplier: t?.int32(3) ?? 0, activation: activation(t?.int8(4) ?? 0), dilationW: t?.int32(5, 1) ?? 1, dilationH: t?.int32(6, 1) ?? 1 };
}

export interface Pool2DOptions { padding: Padding; strideW: number; strideH: number; filterW: number; filterH: number; activation: Activation }
/** Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused_activation_function 5. */
export function pool2dOptions(t: Table | null): Pool2DOptions {
	return { padding: padding(t?.int8(0) ?? 0), strideW: t?.int32(1) ?? 0, strideH: t?.int32(2) ?? 0, filterW: t?.int32(3) ?? 0, filterH: t?.int32(4) ?? 0, activation: activation(t?.int8(5) ?? 0) };
}

/** FullyConnectedOptions: fused_activation_function 0, weights_format 1, keep_num_dims 2. */
export function fullyConnectedOptions(t: Table | null): { activation: Activation; weightsFormat: number; keepNumDims: boolean } {
	return { activation: activation(t?.int8(0) ?? 0), weightsFormat: t?.int8(1) ?? 0, keepNumDims: t?.bool(2) ?? false };
}

/** SoftmaxOptions: beta 0 (float; TFLite's converter always writes it). */
export function softmaxOptions(t: Table | null): { beta: number } {
	return { beta: t?.float32(0, 0) ?? 0 };
}

/** ConcatenationOptions: axis 0, fused_activation_function 1. */
export function concatenationOptions(t: Table | null): { axis: number; activation: Activation } {
	return { axis: t?.int32(0) ?? 0, activation: activation(t?.int8(1) ?? 0) };
}

/** AddOptions and MulOptions: fused_activation_function 0. */
export function arithmeticOptions(t: Table | null): { activation: Activation } {
	return { activation: activation(t?.int8(0) ?? 0) };
}

/** ReshapeOptions: new_shape 0. */
export function reshapeOptions(t: Table | null): { newShape: number[] } {
	return { newShape: t?.int32s(0, 'new shape') ?? [] };
}

/** ReducerOptions: keep_dims 0. */
export function reducerOptions(t: Table | null): { keepDims: boolean } {
	return { keepDims: t?.bool(0) ?? false };
}
