/**
 * Rebuilds src/inference/importers/fixtures/tflite-armnn-top5.json: Arm NN's top 5 for each
 * demo photo and each Coral .tflite file in the model folder (MODEL_DIR or ../shared/models,
 * subfolder coral-tflite/). Needs Debian's python3-pyarmnn (`apt-get install -y python3-pyarmnn`);
 * about 3.5 s of CPU per photo and 224 px model.
 *
 *   npx tsx scripts/tflite-reference/build-fixture.ts [FILE.tflite ...]
 *
 * With file names, only those are rerun and the others' entries are kept; the fixture is written
 * after each file.
 * What the fixture is for and how the inputs are made: src/inference/importers/tflite-reference.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readTflite } from '../../src/inference/importers/tflite-schema.js';
import { ARMNN_FIXTURE, CORAL_DIR, sha256, uint8Inputs, type ArmnnFixture } from '../../src/inference/importers/tflite-reference.js';
import { defaultModelDir } from '../../src/inference/model-dir.js';
import { rgbFromPng } from '../../src/stimuli/png.js';

async function main() {
	const dir = path.join(defaultModelDir(), CORAL_DIR);
	const photos = (JSON.parse(readFileSync('static/stimuli/photos/photos.json', 'utf8')).images as { id: string; file: string }[]);
	const images = photos.map((p) => rgbFromPng(readFileSync(path.join('static/stimuli/photos', p.file))));
	const tmp = mkdtempSync(path.join(tmpdir(), 'armnn-'));
	const only = process.argv.slice(2);
	const previous: ArmnnFixture | null = existsSync(ARMNN_FIXTURE) ? JSON.parse(readFileSync(ARMNN_FIXTURE, 'utf8')) : null;
	const fixture: ArmnnFixture = {
		description: 'Arm NN CpuRef top 5 (class index in the 1001-output order, dequantized score) per demo photo, the .tflite files run quantized as they are; inputs: the photo resized by resizeToInput on the CPU backend, rounded, clipped to 0..255 (tflite-reference.ts). Rebuilt by scripts/tflite-reference/build-fixture.ts.',
		armnn_version: '',
		backend: 'CpuRef',
		photos: photos.map((p) => p.id),
		models: only.length && previous ? previous.models : {}
	};
	if (only.length && previous && previous.photos.join() !== fixture.photos.join()) throw new Error('the demo photos changed: rebuild every file (no file names)');
	// one photo's top 5 per line
	const write = () => writeFileSync(ARMNN_FIXTURE, JSON.stringify(fixture).replace(/\]\],\[\[/g, ']],\n[[').replace(/,"(models|photos|[a-z0-9_.]+\.tflite)":/g, ',\n"$1":') + '\n');
	try {
		for (const file of readdirSync(dir).filter((f) => f.endsWith('.tflite') && (only.length === 0 || only.includes(f))).sort()) {
			const bytes = new Uint8Array(readFileSync(path.join(dir, file)));
			const graph = readTflite(bytes).subgraphs[0]!;
			const size = graph.tensors[graph.inputs[0]!]!.shape[1]!;
			const inputs = await uint8Inputs(images, size);
			const bin = path.join(tmp, `${file}.bin`);
			writeFileSync(bin, inputs);
			const started = Date.now();
			const out = JSON.parse(execFileSync('/usr/bin/python3', ['scripts/tflite-reference/armnn_reference.py', path.join(dir, file), bin, String(images.length)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 }));
			fixture.armnn_version = out.armnn_version;
			fixture.models[file] = { file_sha256: sha256(bytes), input_size: size, inputs_sha256: sha256(inputs), top5: out.top5 };
			console.log(`${file}: ${images.length} photos in ${((Date.now() - started) / 1000).toFixed(0)} s`);
			write();
		}
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
	console.log(`wrote ${ARMNN_FIXTURE}`);
}

main();
