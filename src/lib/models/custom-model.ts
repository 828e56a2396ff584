/**
 * A model added by URL on the models page, declared by the researcher: its format, input size,
 * preprocessing, logits or probabilities, class order and published ImageNet top-1. The
 * declaration goes through the registry's own checks (`parseModelEntry`, src/inference/registry.ts,
 * as the zoo's files do), and each refusal is a sentence naming the form's field, never a raw
 * constraint error. The top-1 is stored in `models.imagenet_top1`, where the results page's
 * pareto plot reads it (src/lib/results/loader.svelte.ts).
 */
import { PREPROCESSING_PRESETS } from '$inference/import-model.js';
import { ModelEntryError, parseModelEntry, type ModelEntry } from '$inference/registry.js';

export interface CustomModelForm {
	url: string;
	id: string;
	name: string;
	family: ModelEntry['family'];
	format: 'layers' | 'graph' | 'tflite';
	inputSize: string;
	preprocessing: keyof typeof PREPROCESSING_PRESETS;
	outputs: ModelEntry['outputs'];
	order: ModelEntry['outputOrder']['kind'];
	top1: string;
	logitsLayer: string;
}

export const EMPTY_CUSTOM_MODEL: CustomModelForm = { url: '', id: '', name: '', family: 'CNN', format: 'layers', inputSize: '224', preprocessing: 'imagenet', outputs: 'logits', order: 'standard', top1: '', logitsLayer: '' };

/** The form's label for each registry field, so a refusal names what the researcher sees. */
export const CUSTOM_MODEL_LABELS: Record<string, string> = {
	upstreamUrl: 'Model URL',
	id: 'Model id',
	name: 'Name',
	family: 'Family',
	format: 'Format',
	inputSize: 'Input size',
	'preprocessing.scale': 'Input scaling',
	'outputOrder.kind': 'Class order',
	outputs: 'Output',
	imagenetTop1: 'ImageNet top-1',
	logitsLayer: 'Logits layer'
};

/**
 * The database's rule for a model id (`models.id`, supabase/migrations/20261122120000_core_schema.sql:
 * `^[a-z0-9][a-z0-9_.-]{1,63}$`), stricter than the registry's: checked here so it reads as a sentence.
 */
const STORED_ID = /^[a-z0-9][a-z0-9_.-]{1,63}$/;

/** A number typed in the form, or the text itself when it is not one (so the refusal quotes it). */
const numberOrText = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text.trim());

/** The form -> a registry entry; throws ModelEntryError with a sentence naming the form's field. */
export function declareCustomModel(form: CustomModelForm, taken: readonly string[]): ModelEntry {
	const where = 'The custom model';
	const url = form.url.trim();
	const id = form.id.trim();
	const raw = {
		id,
		name: form.name.trim(),
		family: form.family,
		format: form.format,
		upstreamUrl: url || null,
		localDir: null,
		inputSize: numberOrText(form.inputSize),
		preprocessing: PREPROCESSING_PRESETS[form.preprocessing],
		outputOrder: { kind: form.order },
		outputs: form.outputs,
		logitsLayer: form.logitsLayer.trim() || null,
		imagenetTop1: numberOrText(form.top1),
		license: 'declared on the models page',
		upstream: url,
		demoAccuracy: null
	};
	let entry: ModelEntry;
	try {
		if (!url) throw new ModelEntryError(`${where}: "upstreamUrl" must be given: the address of its model.json (or .tflite file)`);
		entry = parseModelEntry(raw, where);
	} catch (error) {
		if (!(error instanceof ModelEntryError)) throw error;
		throw new ModelEntryError(error.message.replace(/"([A-Za-z0-9.]+)"/, (whole, field: string) => CUSTOM_MODEL_LABELS[field] ?? whole));
	}
	if (form.format === 'tflite' ? !/\.tflite(\?.*)?$/.test(url) : !/\.json(\?.*)?$/.test(url)) {
		throw new ModelEntryError(`${where}: Model URL must point to ${form.format === 'tflite' ? 'a .tflite file' : 'its model.json'} for the format chosen (got "${url}")`);
	}
	if (!STORED_ID.test(id)) throw new ModelEntryError(`${where}: Model id must be 2 to 64 lowercase letters, digits, "_", "." or "-", starting with a letter or digit, as the database stores it (got "${id}")`);
	if (taken.includes(id)) throw new ModelEntryError(`${where}: Model id "${id}" is taken by a model in the list: choose another`);
	return entry;
}
