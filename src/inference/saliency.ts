/**
 * Saliency maps as the Harmonization code computes them, and the one step that brings them to
 * the stimulus for comparison. No TF.js here: pages import it to store maps.
 *
 * Followed: serre-lab/Harmonization (commit ffe1c49, v0.0.9), harmonization/evaluation/clickme.py
 * `evaluate_clickme`. Its images come from common/clickme_dataset.py `parse_clickme_prototype`
 * (256 px resized to 224 by tf.image.resize(..., 'bilinear'), 0..255), then `preprocess_inputs` is
 * mapped over the dataset, and only then is the explainer, xplique's `Saliency(model)`
 * (deel-ai/xplique, xplique/attributions/saliency.py), called on those preprocessed images with the
 * one-hot true label: the gradient of sum(model(x) * one_hot(label)) (the model's logits: the
 * harmonized models end in a linear layer) with respect to x, its absolute value, then the maximum
 * over colour channels. So, here:
 *
 *   x    = scale(resize_halfpixel(stimulus, 224))   the model's input tensor (preprocess.ts),
 *          AFTER the resize and AFTER scaling - the gradient is w.r.t. the preprocessed input,
 *          not the raw 0..255 pixels (for mean-std scaling the two differ per channel by 1/std,
 *          which changes the max over channels);
 *   S_ij = max over c of |d logit_target(x) / d x_ijc|,   an inputSize x inputSize map.
 *
 * The target is the image's own ImageNet class (Harmonization's label). An image may list several
 * (e.g. two dog breeds); then the target is the listed class with the highest logit. An image that
 * lists none gets the model's top class, and its map says so (`target_rule`).
 *
 * For comparison with people's maps, which are at the stimulus' resolution, `saliencyAtStimulus`
 * resizes the map once, by the same half-pixel bilinear resize (`resizeBilinear`,
 * src/analysis/features.ts). The page and the CLI store only that resized map, with
 * `saliencyParams` saying how it was made.
 */
import { resizeBilinear } from '../analysis/features.js';
import type { ImportanceMap } from '../stimuli/importance-map.js';

/** How the target class was chosen. */
export const TARGET_RULES = {
	listed: "the image's ImageNet class; of several listed, the one with the highest logit",
	'model-top': 'the model\'s top class (the image lists no ImageNet class)'
} as const;
export type TargetRule = keyof typeof TARGET_RULES;

/** What a classifier's saliency gives: the map at the model's input, before any resize. */
export interface Saliency {
	/** S_ij = max_c |d logit_target / d x_ijc|, inputSize x inputSize (x: the preprocessed model input). */
	map: ImportanceMap;
	/** Standard ImageNet-1k index of the class differentiated. */
	target: number;
	target_rule: TargetRule;
	/** The size of the image it was computed for: where `saliencyAtStimulus` takes it. */
	image: { width: number; height: number };
}

/**
 * The target: of `listed` (standard indices), the one whose logit is highest, ties to the first
 * listed; with none listed, the class with the highest logit of all 1000.
 * `logit(c)` gives the model's logit of standard class c.
 */
export function chooseTarget(listed: readonly number[] | undefined, logit: (standardClass: number) => number): { target: number; target_rule: TargetRule } {
	const target_rule: TargetRule = listed?.length ? 'listed' : 'model-top';
	const candidates = listed?.length ? listed : [...Array(1000).keys()];
	const target = candidates.reduce((best, c) => (logit(c) > logit(best) ? c : best), candidates[0]!);
	return { target, target_rule };
}

/**
 * The one step from the model-input map to the stimulus: bilinear with half-pixel centres (TF 2's
 * tf.image.resize, as the model's input was made) to the image's width x height. Used by the
 * models page and `npm run models -- run --saliency` before storing or writing a map.
 */
export function saliencyAtStimulus(saliency: Pick<Saliency, 'map' | 'image'>): ImportanceMap {
	const { map, image } = saliency;
	if (map.width === image.width && map.height === image.height) return { width: map.width, height: map.height, data: Float64Array.from(map.data) };
	const resized = resizeBilinear(map, image.width, image.height);
	return { width: resized.width, height: resized.height, data: resized.data as Float64Array };
}

/** The method of every model map, for importance_maps.params and the CLI's saliency.json. */
export const SALIENCY_METHOD = {
	method: 'max over colour channels of |d logit_target / d x|, x = the model input after resize and scaling',
	reference: 'serre-lab/Harmonization harmonization/evaluation/clickme.py evaluate_clickme (xplique Saliency)',
	input_resize: 'bilinear, half-pixel centres (TF 2 tf.image.resize)',
	map_resize: 'model input to stimulus size, bilinear, half-pixel centres'
} as const;

/** A stored map's params: the method, the resolution it was computed at, the target and its rule. */
export function saliencyParams(saliency: Saliency): Record<string, unknown> {
	return {
		...SALIENCY_METHOD,
		input_resolution: [saliency.map.width, saliency.map.height],
		stimulus_resolution: [saliency.image.width, saliency.image.height],
		target_class: saliency.target,
		target_rule: saliency.target_rule,
		target_rule_text: TARGET_RULES[saliency.target_rule]
	};
}
