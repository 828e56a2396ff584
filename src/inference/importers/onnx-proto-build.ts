/**
 * Rebuilds onnx-proto.json (the protobufjs JSON descriptor the importer decodes with) from the
 * vendored onnx.proto: `npx tsx src/inference/importers/onnx-proto-build.ts`. onnx.test.ts checks
 * that the two agree, so the .proto file stays the one source of the format.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The descriptor of onnx.proto, field names kept as written there (snake_case). */
export function onnxProtoDescriptor(): object {
	const source = readFileSync(path.join(here, 'onnx.proto'), 'utf8');
	return protobuf.parse(source, { keepCase: true }).root.toJSON();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	writeFileSync(path.join(here, 'onnx-proto.json'), JSON.stringify(onnxProtoDescriptor(), null, '\t') + '\n');
	console.log('wrote onnx-proto.json');
}
