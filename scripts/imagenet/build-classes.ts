/**
 * npm run imagenet-classes -- [--debs DIR]
 *
 * Writes src/inference/imagenet-classes.json:
 *  - `standard`: the 1000 ImageNet-1k class names in standard order (index 0..999), from the
 *    npm package @tensorflow-models/mobilenet (dist/imagenet_classes.js);
 *  - `darknet_to_standard`: for each Darknet output index, the standard index. Debian's darknet
 *    package lists the WordNet ids in Darknet's output order (first 1000 lines of
 *    data/imagenet.labels.list); the standard order is those ids sorted;
 *  - `darknet_names`: Darknet's own short names, in its order (data/imagenet.shortnames.list),
 *    kept so tests can check the permutation against the standard names independently.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { debs: { type: 'string', default: '' } } });
const work = mkdtempSync(path.join(tmpdir(), 'imagenet-'));
try {
	execFileSync('npm', ['pack', '@tensorflow-models/mobilenet@2.1.1', '--silent'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
	const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
	execFileSync('tar', ['xzf', tgz], { cwd: work });
	const classesJs = readFileSync(path.join(work, 'package/dist/imagenet_classes.js'), 'utf8');
	const standard: string[] = [];
	for (const match of classesJs.matchAll(/(\d+):\s*'((?:[^'\\]|\\.)*)'/g)) standard[Number(match[1])] = match[2]!.replace(/\\'/g, "'");
	if (standard.length !== 1000 || standard.some((n) => !n)) throw new Error(`expected 1000 standard class names, got ${standard.length}`);

	let deb = values.debs ? readdirSync(values.debs).find((f) => /^darknet_.*\.deb$/.test(f)) : undefined;
	if (deb) deb = path.join(values.debs!, deb);
	else {
		execFileSync('apt-get', ['download', 'darknet'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
		deb = path.join(work, readdirSync(work).find((f) => /^darknet_.*\.deb$/.test(f))!);
	}
	execFileSync('dpkg-deb', ['-x', deb, path.join(work, 'darknet')]);
	const data = path.join(work, 'darknet/usr/share/darknet/data');
	const wnids = readFileSync(path.join(data, 'imagenet.labels.list'), 'utf8').split('\n').slice(0, 1000);
	const names = readFileSync(path.join(data, 'imagenet.shortnames.list'), 'utf8').split('\n').slice(0, 1000);
	const sorted = [...wnids].sort();
	const darknetToStandard = wnids.map((id) => sorted.indexOf(id));
	if (new Set(darknetToStandard).size !== 1000) throw new Error('the Darknet ids do not form a permutation of 1000 classes');
	writeFileSync(
		'src/inference/imagenet-classes.json',
		JSON.stringify({ source: 'scripts/imagenet/build-classes.ts', standard, darknet_to_standard: darknetToStandard, darknet_names: names }) + '\n'
	);
	console.log('wrote src/inference/imagenet-classes.json');
} finally {
	rmSync(work, { recursive: true, force: true });
}
