/**
 * npm run harmonize -- --model ID --maps SET --steps N --lambda L --out DIR [options]
 *
 * Harmonizes a registered model (a layers or TFLite model of the zoo, or one imported into
 * `<out>/imported/`) on the ClickMe maps stored for stimulus set SET, in Node on the fastest Node
 * backend (WASM, else CPU), printing each step's loss terms and the held-out alignment, then the
 * clean-image accuracy on the demo photos before and after. Writes the model to
 * `<out>/imported/<id>/` (model.json with the provenance, entry.json) and lists it in
 * `<out>/imported/index.json`, where `npm start` serves imported models and the models page,
 * ClickMe and the analysis find them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importanceMapsOf, listStimulusSets } from '../data/index.js';
import { commandOrUsage, fail, numberOption, NUMBER_RULES } from '../lib/command-line.js';
import { RESEARCHER_OPTIONS, RESEARCHER_USAGE, researcherClient } from '../lib/researcher-cli.js';
import { IMPORTED_INDEX, IMPORTED_PREFIX, parseImportedIndex } from '../inference/import-model.js';
import { folderSaveHandler } from '../inference/importers/model-folder.js';
import { defaultModelDir } from '../inference/model-dir.js';
import { localModelSource, useFastestNodeBackend } from '../inference/node.js';
import { MODEL_REGISTRY, modelEntry, type ModelEntry } from '../inference/registry.js';
import { fetchVerified, loadStimulusSet } from '../stimuli/load.js';
import { rgbFromPng } from '../stimuli/png.js';
import { harmonizeImages, humanMapFromRow, type HarmonizeImage } from './data.js';
import { loadTrainable } from './load.js';
import { cleanAccuracy, harmonizedEntry, harmonizedId, harmonizedLocalDir, HARMONIZER_REFERENCE, summarize, type LabelledPhoto, type Provenance } from './model.js';
import { demoPhotos, formatEvaluation, formatStep } from './node.js';
import { runHarmonizer } from './session.js';
import { DEFAULT_SETTINGS, Harmonizer, type HarmonizeSettings } from './train.js';

const USAGE = `Usage:
  npm run harmonize -- --model ID --maps SET --steps N --lambda L --out DIR
      [--lr ${DEFAULT_SETTINGS.learningRate}] [--batch ${DEFAULT_SETTINGS.batchSize}] [--optimizer adam|sgd] [--seed ${DEFAULT_SETTINGS.seed}]
      [--held-out ${DEFAULT_SETTINGS.heldOut}] [--no-flip] [--evaluate-every 5] [--source clickme] [--id NEW_ID]
      [--models DIR] [--backend wasm|cpu] [--photos static/stimuli/photos]
      ${RESEARCHER_USAGE}
--out is the model folder the app serves imported models from (default .local/models): the model
goes to <out>/imported/<id>/ and into <out>/imported/index.json.`;

const { values } = parseArgs({
	allowPositionals: true,
	options: {
		model: { type: 'string' },
		maps: { type: 'string' },
		steps: { type: 'string' },
		lambda: { type: 'string' },
		out: { type: 'string', default: '.local/models' },
		lr: { type: 'string' },
		batch: { type: 'string' },
		optimizer: { type: 'string', default: DEFAULT_SETTINGS.optimizer },
		seed: { type: 'string' },
		'held-out': { type: 'string' },
		'no-flip': { type: 'boolean' },
		'evaluate-every': { type: 'string', default: '5' },
		source: { type: 'string', default: 'clickme' },
		id: { type: 'string' },
		models: { type: 'string' },
		backend: { type: 'string' },
		photos: { type: 'string', default: 'static/stimuli/photos' },
		...RESEARCHER_OPTIONS,
		help: { type: 'boolean' }
	}
});
if (values.help || !values.model || !values.maps) commandOrUsage([], values.help, USAGE);
if (values.optimizer !== 'adam' && values.optimizer !== 'sgd') fail(`--optimizer must be adam or sgd (got "${values.optimizer}")`);
if (values.backend && values.backend !== 'wasm' && values.backend !== 'cpu') fail(`--backend must be wasm or cpu (got "${values.backend}")`);

const settings: HarmonizeSettings = {
	lambda: numberOption('lambda', values.lambda, (x) => x >= 0, 'a number of at least 0') ?? DEFAULT_SETTINGS.lambda,
	steps: numberOption('steps', values.steps, ...NUMBER_RULES.positiveInteger) ?? DEFAULT_SETTINGS.steps,
	learningRate: numberOption('lr', values.lr, (x) => x > 0 && x <= 1, 'above 0 and at most 1') ?? DEFAULT_SETTINGS.learningRate,
	batchSize: numberOption('batch', values.batch, (x) => Number.isInteger(x) && x >= 1 && x <= 64, 'a whole number from 1 to 64') ?? DEFAULT_SETTINGS.batchSize,
	optimizer: values.optimizer,
	seed: numberOption('seed', values.seed, Number.isInteger, 'a whole number') ?? DEFAULT_SETTINGS.seed,
	heldOut: numberOption('held-out', values['held-out'], (x) => x > 0 && x < 1, 'a share between 0 and 1') ?? DEFAULT_SETTINGS.heldOut,
	flip: !values['no-flip']
};
const evaluateEvery = numberOption('evaluate-every', values['evaluate-every'], ...NUMBER_RULES.nonNegativeInteger)!;

// the base model: the zoo, or a model imported (or harmonized) before into <out>/imported/
const out = path.resolve(values.out);
const importedDir = path.join(out, IMPORTED_PREFIX);
const indexFile = path.join(importedDir, IMPORTED_INDEX);
const imported = parseImportedIndex(await readFile(indexFile, 'utf8').catch(() => '[]'), indexFile);
let entry: ModelEntry;
try {
	entry = modelEntry(values.model!, [...MODEL_REGISTRY, ...imported]);
} catch (error) {
	fail((error as Error).message);
}
const backend = await useFastestNodeBackend(values.backend as 'wasm' | 'cpu' | undefined);
const modelDir = entry.localDir?.startsWith(`${IMPORTED_PREFIX}/`) ? out : (values.models ?? defaultModelDir());
const model = await loadTrainable(entry, localModelSource(entry, modelDir)).catch((error: Error) => fail(`could not load ${entry.id} from ${modelDir}: ${error.message}`));

// the map set, from the database, and its images, from the app
const { client, appUrl } = await researcherClient(values);
const sets = await listStimulusSets(client).catch((error: Error) => fail(error.message));
const set = sets.find((s) => s.slug === values.maps) ?? fail(`no stimulus set "${values.maps}" you may use (yours: ${sets.map((s) => s.slug).join(', ') || 'none'})`);
const rows = await importanceMapsOf(client, set.id, values.source).catch((error: Error) => fail(error.message));
if (!rows.length) fail(`set "${set.slug}" has no maps of source "${values.source}" (build them with npm run clickme -- maps --set ${set.slug})`);
const loaded = await loadStimulusSet(new URL(set.base_url, appUrl ?? values.url ?? 'http://127.0.0.1:5173').href).catch((error: Error) => fail(error.message));
const maps = new Map(rows.map((row) => [row.image_id, humanMapFromRow(row)]));
let images: HarmonizeImage[];
try {
	const data = await harmonizeImages(loaded.manifest, maps, async (file, sha256) => rgbFromPng(await fetchVerified(loaded, file, sha256)));
	images = data.images;
	if (data.skipped.length) console.log(`left out ${data.skipped.length} images that list no ImageNet class: ${data.skipped.join(', ')}`);
} catch (error) {
	fail((error as Error).message);
}

const photos: LabelledPhoto[] = await demoPhotos(values.photos).catch((error: Error) => fail(error.message));
const harmonizer = await Harmonizer.create(model, entry, images, settings).catch((error: Error) => fail(error.message));
console.log(`${entry.id} on ${backend}: ${harmonizer.train.length} training images (${harmonizer.train.filter((i) => i.map).length} with a map), ${harmonizer.heldOut.length} held out; lambda ${settings.lambda}, ${settings.steps} steps, ${settings.optimizer} lr ${settings.learningRate}, batch ${settings.batchSize}`);
const accuracyBefore = await cleanAccuracy(model, entry, photos);
const started = performance.now();
const result = await runHarmonizer(harmonizer, {
	steps: settings.steps,
	evaluateEvery,
	onEvent: (event) => console.log(event.kind === 'step' ? formatStep(event.report, event.of) : formatEvaluation(event.after, event.evaluation))
});
const accuracyAfter = await cleanAccuracy(model, entry, photos);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(`demo photos (${photos.length}): top-1 ${pct(accuracyBefore.top1)} -> ${pct(accuracyAfter.top1)}, animal ${pct(accuracyBefore.animal)} -> ${pct(accuracyAfter.animal)}`);

const id = values.id ?? harmonizedId(entry, settings, harmonizer.stepsDone);
const harmonized = harmonizedEntry(entry, id, { localDir: harmonizedLocalDir(id) });
const provenance: Provenance = {
	method: 'neural harmonizer',
	reference: HARMONIZER_REFERENCE,
	base_model: entry.id,
	map_set: set.slug,
	map_source: values.source,
	settings,
	evaluate_every: evaluateEvery,
	steps_done: harmonizer.stepsDone,
	train_images: harmonizer.train.length,
	held_out_images: harmonizer.heldOut.map((i) => i.image_id),
	backend,
	before: summarize(result.before),
	after: summarize(result.after),
	trained_at: new Date().toISOString()
};
await model.save(folderSaveHandler(path.join(importedDir, id), { harmonization: provenance, clean_accuracy: { before: accuracyBefore, after: accuracyAfter } }));
await writeFile(path.join(importedDir, id, 'entry.json'), JSON.stringify({ ...harmonized, harmonization: provenance }, null, '\t') + '\n');
await writeFile(indexFile, JSON.stringify([...imported.filter((e) => e.id !== id), harmonized], null, '\t') + '\n');
harmonizer.dispose();
console.log(`${harmonizer.stepsDone} steps in ${((performance.now() - started) / 1000).toFixed(1)} s; saved ${id} (family harmonized) to ${path.join(importedDir, id)} and listed it in ${indexFile}; the app serves it to runs and ClickMe (/clickme?model=${id}) when that folder is its IMPORTED_MODEL_DIR (default .local/models/imported)`);
process.exit(0);
