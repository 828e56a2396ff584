/**
 * npm run models -- run --model ID --set DIR --out FILE.csv [--saliency DIR] [--models DIR]
 *                        [--backend wasm|cpu] [--batch 16] [--levels 0,9] [--limit N [--sample-seed 1]] [--decision-rule ${Object.keys(DECISION_RULES).join('|')}]
 * npm run models -- list
 * npm run models -- import-results --csv FILE.csv --model ID --name NAME --family FAMILY --top1 0.76
 *                        --set SLUG [--study SLUG] [--maps DIR] [--env .local/standin/env.json]
 *
 * npm run models -- import FILE.onnx --id ID --name NAME --family FAMILY --top1 0.76
 *                        [--preprocessing unit|symmetric|imagenet] [--output-order standard|background-first|darknet]
 *                        [--outputs logits|probabilities] [--license TEXT] [--upstream TEXT] [--out .local/models]
 *
 * import reads a model file (import-model.ts) and writes <out>/imported/<id>/ (a TF.js model
 * folder and entry.json, its registry declaration) and <out>/imported/index.json, the list the
 * app serves at /model-files/imported/ and the models page adds to the registry's models.
 * import-results stores decisions computed elsewhere (and saliency PNGs named <image_id>.png) as a
 * model run marked imported (import-run.ts), in the database as the signed-in researcher.
 *
 * Runs a model over a built stimulus set - the very files participants saw, checked against the
 * manifest's sha256 - with the fastest backend Node has here (WASM), answers by the set's task
 * (src/stimuli/task.ts), writes the decisions in the analysis module's trial CSV (observer =
 * model:<id>) and prints the accuracy per reveal level. --saliency also writes one map per
 * stimulus (<dir>/<image>/<level>.png, 16-bit) and, for the fully revealed level, <dir>/<image>.png
 * - a `model:<id>` map set for the stimulus builder - each computed at the model's input and
 * brought to the stimulus' size by `saliencyAtStimulus` (saliency.ts), and <dir>/saliency.json:
 * how (`saliencyParams`, as the models page stores in importance_maps.params) per map.
 */
import cliProgress from 'cli-progress';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mapToPng } from '../stimuli/importance-map.js';
import { fetchVerified, loadStimulusSet } from '../stimuli/load.js';
import { rgbFromPng } from '../stimuli/png.js';
import { DECISION_RULES, DEFAULT_DECISION_RULE, isDecisionRule, taskOf } from '../stimuli/task.js';
import { listMyStudies, listStimulusSets } from '../data/index.js';
import { RESEARCHER_OPTIONS, RESEARCHER_USAGE, researcherClient } from '../lib/researcher-cli.js';
import { loadClassifier } from './classifier.js';
import { importedName, importModelRun } from './import-run.js';
import { IMPORTED_INDEX, IMPORTED_PREFIX, importModelFile, parseImportedIndex, PREPROCESSING_PRESETS } from './import-model.js';
import { folderSaveHandler } from './importers/model-folder.js';
import type { ModelEntry } from './registry.js';
import { ImportedResultsError } from './imported-results.js';
import { defaultModelDir } from './model-dir.js';
import { localModelSource, useFastestNodeBackend } from './node.js';
import { MODEL_REGISTRY, modelEntry } from './registry.js';
import { runModel, type StimulusJob } from './run.js';
import { saliencyAtStimulus, saliencyParams } from './saliency.js';
import { tallyByLevel, tallyTotal } from '../analysis/accuracy.js';
import { trialsToCsv } from '../analysis/trials.js';
import { sampleStimuli, STIMULUS_SAMPLE_SEED } from '../stimuli/sample.js';
import { fail, commandOrUsage, numberOption } from '../lib/command-line.js';

const USAGE = `usage:
  npm run models -- run --model ID --set DIR --out FILE.csv [--saliency DIR] [--models DIR] [--backend wasm|cpu] [--batch 16] [--levels 0,9] [--limit N [--sample-seed ${STIMULUS_SAMPLE_SEED}]] [--decision-rule ${Object.keys(DECISION_RULES).join('|')}]
  npm run models -- list
  npm run models -- import FILE.onnx --id ID --name NAME --family FAMILY --top1 0.76 [--preprocessing unit|symmetric|imagenet]
      [--output-order standard|background-first|darknet] [--outputs logits|probabilities] [--license TEXT] [--upstream TEXT] [--out .local/models]
  npm run models -- import-results --csv FILE.csv --model ID --name NAME --family FAMILY --top1 0.76 --set SLUG [--study SLUG] [--maps DIR]
      ${RESEARCHER_USAGE}`;

/** Reads file:// URLs, so the browser's manifest loader runs unchanged in Node. */
const fileFetcher = async (url: string) => {
	try {
		const bytes = await readFile(fileURLToPath(url));
		return { ok: true, status: 200, json: async () => JSON.parse(bytes.toString('utf8')), arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
	} catch {
		return { ok: false, status: 404, json: async () => null, arrayBuffer: async () => new ArrayBuffer(0) };
	}
};

const { positionals, values } = parseArgs({
	allowPositionals: true,
	options: {
		model: { type: 'string' },
		set: { type: 'string' },
		out: { type: 'string' },
		saliency: { type: 'string' },
		models: { type: 'string' },
		backend: { type: 'string' },
		batch: { type: 'string', default: '16' },
		levels: { type: 'string' },
		limit: { type: 'string' },
		'sample-seed': { type: 'string' },
		'decision-rule': { type: 'string', default: DEFAULT_DECISION_RULE },
		csv: { type: 'string' },
		id: { type: 'string' },
		preprocessing: { type: 'string', default: 'imagenet' },
		'output-order': { type: 'string', default: 'standard' },
		outputs: { type: 'string', default: 'logits' },
		license: { type: 'string', default: 'unknown' },
		upstream: { type: 'string' },
		name: { type: 'string' },
		family: { type: 'string' },
		top1: { type: 'string' },
		study: { type: 'string' },
		maps: { type: 'string' },
		...RESEARCHER_OPTIONS,
		help: { type: 'boolean', default: false }
	}
});

const command = commandOrUsage(positionals, values.help, USAGE);

try {
	if (command === 'import') {
		const file = positionals[1];
		if (!file || !values.id || !values.name || !values.family || !values.top1) fail(`import needs a file, --id, --name, --family and --top1\n${USAGE}`);
		const top1 = numberOption('top1', values.top1, (x) => x >= 0 && x <= 1, 'a share from 0 to 1 (76 % is 0.76)')!;
		const preprocessing = PREPROCESSING_PRESETS[values.preprocessing as keyof typeof PREPROCESSING_PRESETS] ?? fail(`--preprocessing must be one of ${Object.keys(PREPROCESSING_PRESETS).join(', ')} (got "${values.preprocessing}")`);
		const bytes = new Uint8Array(await readFile(file).catch((error: Error) => fail(`cannot read ${file}: ${error.message}`)));
		await useFastestNodeBackend();
		const started = performance.now();
		const imported = await importModelFile(bytes, path.basename(file), {
			id: values.id,
			name: values.name,
			family: values.family as ModelEntry['family'],
			imagenetTop1: top1,
			preprocessing,
			outputOrder: { kind: values['output-order'] } as ModelEntry['outputOrder'],
			outputs: values.outputs as ModelEntry['outputs'],
			license: values.license,
			upstream: values.upstream ?? path.basename(file)
		}).catch((error: Error) => fail(error.message));
		const out = path.resolve(values.out ?? '.local/models', IMPORTED_PREFIX);
		await imported.model.save(folderSaveHandler(path.join(out, imported.entry.id)));
		imported.model.dispose();
		await writeFile(path.join(out, imported.entry.id, 'entry.json'), JSON.stringify({ ...imported.entry, import: imported.details }, null, '\t') + '\n');
		const indexFile = path.join(out, IMPORTED_INDEX);
		const index = parseImportedIndex(await readFile(indexFile, 'utf8').catch(() => '[]'), indexFile);
		await writeFile(path.join(out, IMPORTED_INDEX), JSON.stringify([...index.filter((e) => e.id !== imported.entry.id), imported.entry], null, '\t') + '\n');
		console.log(`imported ${imported.entry.name} (${imported.details.source_format}, ${imported.entry.inputSize} px input) in ${((performance.now() - started) / 1000).toFixed(1)} s: ${path.join(out, imported.entry.id)}`);
		console.log(`the app serves it at /model-files/${IMPORTED_PREFIX}/${imported.entry.id}/ and lists it on the models page (npm start serves ${path.dirname(out)})`);
		process.exit(0);
	} else if (command === 'import-results') {
		if (!values.csv || !values.model || !values.name || !values.family || !values.top1 || !values.set) fail(`import-results needs --csv, --model, --name, --family, --top1 and --set\n${USAGE}`);
		const top1 = numberOption('top1', values.top1, (x) => x >= 0 && x <= 1, 'a share from 0 to 1 (76 % is 0.76)')!;
		const csv = await readFile(values.csv, 'utf8').catch((error: Error) => fail(`cannot read ${values.csv}: ${error.message}`));
		const maps = new Map<string, Uint8Array>();
		if (values.maps) {
			const files = await readdir(values.maps).catch((error: Error) => fail(`cannot read the map folder ${values.maps}: ${error.message}`));
			for (const file of files.filter((f) => f.toLowerCase().endsWith('.png'))) maps.set(file.replace(/\.png$/i, ''), new Uint8Array(await readFile(path.join(values.maps, file))));
			if (maps.size === 0) fail(`${values.maps} holds no .png maps`);
		}
		const { client } = await researcherClient(values);
		const sets = await listStimulusSets(client).catch((error: Error) => fail(error.message));
		const set = sets.find((s) => s.slug === values.set) ?? fail(`no stimulus set "${values.set}" you may use (yours: ${sets.map((s) => s.slug).join(', ') || 'none'})`);
		const study = values.study ? await listMyStudies(client).then((all) => all.find((s) => s.slug === values.study) ?? fail(`you have no study "${values.study}"`)) : null;
		const summary = await importModelRun(client, {
			model: { id: values.model, name: values.name, family: values.family, imagenetTop1: top1 },
			setId: set.id,
			studyId: study?.id ?? null,
			csv,
			file: path.basename(values.csv),
			maps
		}).catch((error: Error) => fail(error instanceof ImportedResultsError ? error.message : `could not import: ${error.message}`));
		console.log(`stored ${summary.answers} answers${summary.maps ? ` and ${summary.maps} saliency maps` : ''} of ${importedName(values.name)} as run ${summary.runId} on set ${values.set}`);
		process.exit(0);
	} else if (command === 'list') {
		for (const m of MODEL_REGISTRY) console.log(`${m.id.padEnd(22)} ${m.family.padEnd(6)} top-1 ${(m.imagenetTop1 * 100).toFixed(1)} %  ${m.name}`);
	} else if (command === 'run') {
		if (!values.model || !values.set || !values.out) fail(`run needs --model, --set and --out\n${USAGE}`);
		const entry = modelEntry(values.model);
		if (values.backend && values.backend !== 'wasm' && values.backend !== 'cpu') fail(`--backend must be wasm or cpu (got "${values.backend}")`);
		const rule = values['decision-rule'];
		if (!isDecisionRule(rule)) fail(`--decision-rule must be one of ${Object.keys(DECISION_RULES).join(', ')} (got "${rule}")`);
		const batch = numberOption('batch', values.batch, (n) => Number.isInteger(n) && n >= 1, 'a positive integer')!;
		const backend = await useFastestNodeBackend(values.backend as 'wasm' | 'cpu' | undefined);
		const classifier = await loadClassifier(entry, localModelSource(entry, values.models ?? defaultModelDir()));
		const set = await loadStimulusSet(pathToFileURL(path.resolve(values.set)).href, fileFetcher);
		const levels = values.levels?.split(',').map(Number);
		const classesOf = new Map(set.manifest.images.map((i) => [i.image_id, i.imagenet_classes]));
		let stimuli = set.manifest.stimuli.filter((s) => !levels || levels.includes(s.level_index));
		// at most N stimuli, balanced across categories and levels by a seed (src/stimuli/sample.ts)
		if (values.limit) stimuli = sampleStimuli(stimuli, numberOption('limit', values.limit, (n) => Number.isInteger(n) && n >= 1, 'a whole number of at least 1')!, values['sample-seed'] ?? STIMULUS_SAMPLE_SEED);
		const jobs: StimulusJob[] = stimuli.map((s) => ({
			stimulus_id: s.id, image_id: s.image_id, category: s.category, reveal: s.reveal, level_index: s.level_index,
			imagenet_classes: classesOf.get(s.image_id) ?? [],
			load: async () => rgbFromPng(await fetchVerified(set, s.file, s.sha256, fileFetcher))
		}));
		console.error(`${entry.id} on ${backend}: ${jobs.length} stimuli of set "${set.manifest.name}", decision rule ${rule} (${DECISION_RULES[rule].label})${values.saliency ? ', with saliency' : ''}`);
		const bar = new cliProgress.SingleBar({ format: '{bar} {value}/{total} stimuli | {eta_formatted} left', stream: process.stderr }, cliProgress.Presets.shades_classic);
		bar.start(jobs.length, 0);
		const trials = await runModel(classifier, jobs, { task: taskOf(set.manifest), rule, batchSize: batch, saliency: !!values.saliency, onProgress: (p) => bar.update(p.done) });
		bar.stop();
		const csv = trialsToCsv(trials.map((t) => ({ observer: t.observer, kind: t.kind, image_id: t.image_id, category: t.category, reveal: t.reveal, response: t.response, rt_ms: null })));
		await mkdir(path.dirname(path.resolve(values.out)), { recursive: true });
		await writeFile(values.out, csv);
		if (values.saliency) {
			const full = set.manifest.levels.length - 1;
			const params: Record<string, unknown> = {};
			for (const t of trials) {
				const png = mapToPng(saliencyAtStimulus(t.saliency!));
				await mkdir(path.join(values.saliency, t.image_id), { recursive: true });
				await writeFile(path.join(values.saliency, t.image_id, `${t.level_index}.png`), png);
				if (t.level_index === full) await writeFile(path.join(values.saliency, `${t.image_id}.png`), png);
				params[`${t.image_id}/${t.level_index}`] = saliencyParams(t.saliency!);
			}
			await writeFile(path.join(values.saliency, 'saliency.json'), JSON.stringify({ model: entry.id, backend, maps: params }, null, '\t'));
		}
		const byLevel = tallyByLevel(trials);
		for (const [level, v] of [...byLevel].sort((a, b) => a[0] - b[0])) console.log(`level ${level} (${(v.reveal * 100).toFixed(1)} % revealed): ${v.correct} / ${v.n} correct`);
		const { correct } = tallyTotal(byLevel);
		console.log(`wrote ${trials.length} decisions to ${values.out} (${correct} correct, ${((100 * correct) / trials.length).toFixed(1)} %)`);
		classifier.dispose();
	} else {
		fail(`unknown command "${command}"\n${USAGE}`);
	}
} catch (error) {
	fail((error as Error).message);
}
