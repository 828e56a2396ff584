/**
 * A small ONNX ImageNet-shaped classifier for tests (no trained weights): [N, 3, 16, 16] -> Conv
 * 3->4 stride 2 -> Relu -> GlobalAveragePool -> Flatten -> Gemm 4->classes, with seeded weights.
 * The importer's tests, `npm run models -- import`'s test and the models page's e2e test import it.
 */
import { writeOnnx, type TensorSpec } from './onnx-writer.js';

function seeded(n: number, seed: number, scale: number): number[] {
	let a = seed;
	return Array.from({ length: n }, () => ((a = (a * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * scale);
}
const weight = (name: string, dims: number[], seed: number, scale = 0.3): TensorSpec => ({ name, dims, data: seeded(dims.reduce((a, b) => a * b, 1), seed, scale) });

export function tinyOnnxClassifier(classes = 1000): Uint8Array {
	return writeOnnx({
		input: { name: 'image', shape: ['N', 3, 16, 16] },
		outputs: [{ name: 'logits' }],
		nodes: [
			{ op: 'Conv', name: 'conv1', inputs: ['image', 'w', 'b'], outputs: ['c'], attributes: { pads: { ints: [1, 1, 1, 1] }, strides: { ints: [2, 2] } } },
			{ op: 'Relu', name: 'relu1', inputs: ['c'], outputs: ['r'] },
			{ op: 'GlobalAveragePool', name: 'pool', inputs: ['r'], outputs: ['g'] },
			{ op: 'Flatten', name: 'flatten', inputs: ['g'], outputs: ['f'] },
			{ op: 'Gemm', name: 'fc', inputs: ['f', 'fcW', 'fcB'], outputs: ['logits'], attributes: { transB: { i: 1 } } }
		],
		initializers: [weight('w', [4, 3, 3, 3], 1), weight('b', [4], 2), weight('fcW', [classes, 4], 3, 1), weight('fcB', [classes], 4, 0.1)]
	});
}

