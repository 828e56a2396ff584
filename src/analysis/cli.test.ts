/**
 * `npm run analyze` on hand-written files: the JSON it writes, and the messages bad input gets.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { mapToPng } from '../stimuli/importance-map.js';
import { seededRandom } from '../stimuli/random.js';
import { featureIntervals } from './bootstrap.js';
import { featureReport } from './features.js';
import { MAP_FOLDER_METADATA, storedFeatureMap } from './map-folder.js';
import { DECISION_METRICS, FEATURE_METRICS } from './metrics.js';

const run = promisify(execFile);
let dir = '';

async function analyze(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/analysis/cli.ts', ...args]);
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'analyze-'));
});

describe('analyze decision', () => {
	it('writes the report of a hand-written file', async () => {
		// two people (p2 excluded: wrong on the whole image), one model; levels 0.5 and 1
		const csv = [
			'observer,kind,image_id,category,reveal,response,rt_ms',
			'p1,human,cat,animal,0.5,animal,450',
			'p1,human,car,non_animal,1,non_animal,430.5',
			'p2,human,cat,animal,1,non_animal,520',
			'p2,human,car,non_animal,0.5,none,',
			'resnet,model,cat,animal,0.5,non_animal,',
			'resnet,model,car,non_animal,1,non_animal,'
		].join('\n');
		await writeFile(path.join(dir, 'trials.csv'), csv);
		const out = path.join(dir, 'decision.json');
		// p2's trial with no answer counts as wrong here (the values below were worked that way; the
		// default, dropping it, is the next case)
		const result = await analyze('decision', '--trials', path.join(dir, 'trials.csv'), '--out', out, '--bootstrap', '50', '--seed', '3', '--timeouts', 'wrong');
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('1 people included, 1 excluded');
		expect(result.stdout).toContain('1 trials with no answer: counted as wrong (--timeouts wrong)');
		// every decision metric of the registry is printed for the model, with its label
		for (const m of DECISION_METRICS) expect(result.stdout).toMatch(new RegExp(`resnet: .*${m.label} (-?\\d\\.\\d{${m.digits}}|n/a)`));
		expect(result.stdout).toMatch(/people against people \(0 pairs\): Error consistency n\/a/); // one person: no pair
		const report = await readJson(out);
		expect(Object.keys(report)).toEqual(['levels', 'humans', 'human_curve', 'observers', 'models', 'human_baseline', 'no_answer_trials', 'options']);
		expect(report.options).toEqual({ timeouts: 'wrong', exclusion_threshold: 0.5, bootstrap: 50, seed: 3, min_full_reveal_trials: 10 });
		expect(report.levels).toEqual([0.5, 1]);
		expect(report.humans.included).toEqual(['p1']);
		expect(report.humans.excluded[0].id).toBe('p2');
		expect(report.human_curve).toMatchObject({ accuracy: [1, 1], normalized: [1, 1], ci_low: [1, 1], ci_high: [1, 1] });
		expect(report.observers.p2).toMatchObject({ kind: 'human', accuracy: [0, 0], n: [1, 1] });
		// resnet: wrong at 0.5, right at 1 -> normalized [-1, 1]. With p1, per level: at 0.5 (cat) p1
		// right, resnet wrong: c_obs 0, c_exp 1 x 0 + 0 x 1 = 0, kappa 0, squared accuracy difference 1;
		// at 1 (car) both right: c_obs 1, kappa 1, difference 0. Means over levels: kappa 0.5, c_obs 0.5,
		// difference 0.5. (Pooled over levels, as before issue #14, the kappa was 0.) The human
		// normalized curve [1, 1] is constant, so the curve correlation is undefined (null); the mean
		// absolute difference of the curves is (|-1 - 1| + |1 - 1|) / 2 = 1.
		expect(report.models.resnet).toMatchObject({
			accuracy: [0, 1], normalized: [-1, 1],
			error_consistency: 0.5, observed_consistency: 0.5, accuracy_difference: 0.5, curve_correlation: null, curve_difference: 1,
			error_consistency_by_level: [0, 1],
			// each level holds one category only: no balanced accuracy or d' (signal-detection.ts)
			balanced: [null, null], dprime: [null, null]
		});
		// resampling the two images: {cat, cat} gives kappa 0 (level 0.5 only), {car, car} 1, {cat, car}
		// 0.5, so the 50 seeded resamples span 0..1 (bootstrap.ts)
		expect(report.models.resnet.ci.error_consistency).toEqual({ ci_low: 0, ci_high: 1 });
		expect(report.human_baseline).toEqual({ error_consistency: null, observed_consistency: null, accuracy_difference: null, error_consistency_by_level: [null, null], pairs: 0,
			ci: { error_consistency: { ci_low: null, ci_high: null }, observed_consistency: { ci_low: null, ci_high: null }, accuracy_difference: { ci_low: null, ci_high: null } } }); // one person: no pair, no interval

		// by default a trial with no answer is left out (p2's at 0.5), and the options say so
		const dropped = await analyze('decision', '--trials', path.join(dir, 'trials.csv'), '--out', out, '--bootstrap', '50');
		expect(dropped.stdout).toContain('1 trials with no answer: left out of every measure');
		const byDefault = await readJson(out);
		expect(byDefault.options).toEqual({ timeouts: 'drop', exclusion_threshold: 0.5, bootstrap: 50, seed: 1, min_full_reveal_trials: 10 });
		expect(byDefault.observers.p2).toMatchObject({ kind: 'human', accuracy: [null, 0], n: [0, 1] });
		expect(byDefault.humans.excluded).toEqual([{ id: 'p2', full_reveal_accuracy: 0, full_reveal_trials: 1, reason: 'accuracy on fully revealed images 0.000 is at most 0.5 (1 fully revealed trial)' }]);
		// each person's check rested on 1 fully revealed trial, fewer than the default 10: a warning
		expect(dropped.stdout).toContain('warning: the exclusion check of 2 people rested on fewer than 10 fully revealed trials (p1, p2)');
		// the model's metrics are printed with their intervals where they have one
		expect(dropped.stdout).toMatch(/resnet: .*\[-?\d\.\d+, -?\d\.\d+\]/);
		const threshold = await analyze('decision', '--trials', path.join(dir, 'trials.csv'), '--out', out, '--bootstrap', '50', '--min-full-reveal-trials', '1');
		expect(threshold.stdout).not.toContain('warning');
		expect((await readJson(out)).options.min_full_reveal_trials).toBe(1);
	});

	it('stops on bad input, naming the row', async () => {
		await writeFile(path.join(dir, 'bad.csv'), 'observer,kind,image_id,category,reveal,response,rt_ms\np1,human,cat,animal,1.2,animal,450\n');
		const result = await analyze('decision', '--trials', path.join(dir, 'bad.csv'), '--out', path.join(dir, 'bad.json'));
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('row 2: reveal must be a number in (0, 1], got "1.2"');
		const missing = await analyze('decision', '--trials', path.join(dir, 'nothing.csv'), '--out', path.join(dir, 'bad.json'));
		expect(missing.stderr).toContain('cannot read the trials');
		expect((await analyze('decision', '--trials', path.join(dir, 'trials.csv'), '--out', 'x.json', '--bootstrap', 'many')).stderr).toContain('--bootstrap must be a whole number');
		expect((await analyze('decision', '--trials', path.join(dir, 'trials.csv'), '--out', 'x.json', '--timeouts', 'skip')).stderr).toContain('--timeouts must be drop or wrong, got "skip"');
	});
});

describe('analyze features', () => {
	it('reads JSON maps and PNG folders, and writes the report', async () => {
		const humans = { a: { width: 2, height: 2, data: [1, 2, 3, 4], reliability: 0.6, reliability_comparison: 'as-given' }, b: { width: 2, height: 2, data: [5, 5, 5, 5], reliability: 0.6, reliability_comparison: 'as-given' } };
		const models = { a: { width: 2, height: 2, data: [2, 1, 4, 3] }, b: { width: 2, height: 2, data: [1, 2, 3, 4] } };
		await writeFile(path.join(dir, 'human.json'), JSON.stringify(humans));
		await writeFile(path.join(dir, 'model.json'), JSON.stringify(models));
		const out = path.join(dir, 'features.json');
		const result = await analyze('features', '--human', path.join(dir, 'human.json'), '--model', path.join(dir, 'model.json'), '--out', out, '--raw');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('1 images compared, 1 left out (a constant map: b)');
		for (const m of FEATURE_METRICS) expect(result.stdout).toMatch(new RegExp(`${m.label.replace(/[()]/g, '\\$&')} -?\\d\\.\\d{${m.digits}}`)); // every feature metric
		const report = await readJson(out);
		expect(Object.keys(report)).toEqual(expect.arrayContaining(['images', 'mean_spearman', 'ceiling', 'ceiling_source', 'alignment']));
		expect(report.images.a.spearman).toBeCloseTo(0.6, 12);
		expect(report.images.b).toEqual({ spearman: null, iou: null, dice: null });
		expect(report.ceiling).toBe(0.6);
		expect(report.alignment).toBeCloseTo(1, 12);
		expect(report.paper_ceiling).toBe(0.65753);
		expect(report.comparison).toEqual({ preprocessing: 'as-given', id: 'as-given' });
		expect(result.stdout).toContain("maps compared as as-given; human ceiling 0.6 (ClickMe split-half reliability of the human maps (mean over 2 maps, as-given)); the Harmonization paper's ceiling 0.65753");

		// the same model maps as 16-bit PNGs (scaled to their maximum: ranks are unchanged)
		const pngs = path.join(dir, 'model-png');
		await mkdir(pngs, { recursive: true });
		for (const [id, m] of Object.entries(models)) await writeFile(path.join(pngs, `${id}.png`), mapToPng({ ...m, data: Float64Array.from(m.data) }));
		const fromPng = await analyze('features', '--human', path.join(dir, 'human.json'), '--model', pngs, '--out', out, '--raw', '--ceiling', '0.5');
		expect(fromPng.code).toBe(0);
		const again = await readJson(out);
		expect(again.images.a.spearman).toBeCloseTo(0.6, 12);
		expect(again.ceiling_source).toBe('given (--ceiling)');
		expect(again.alignment).toBeCloseTo(1.2, 12);
	});

	it('compares the images both have when the model has more, saying so, and stops on sizes that differ under --raw', async () => {
		await writeFile(path.join(dir, 'extra.json'), JSON.stringify({ a: { width: 2, height: 2, data: [2, 1, 4, 3] }, b: { width: 2, height: 2, data: [1, 2, 3, 4] }, zebra: { width: 2, height: 2, data: [1, 2, 3, 4] } }));
		const out = path.join(dir, 'extra-report.json');
		const extra = await analyze('features', '--human', path.join(dir, 'human.json'), '--model', path.join(dir, 'extra.json'), '--out', out, '--raw');
		expect(extra.stderr).toBe('');
		expect(extra.code).toBe(0);
		expect(extra.stdout).toContain('compared on the images with both maps only; not compared: 1 images with a model map but no human map (zebra)');
		const report = await readJson(out);
		expect(report.images_without_human_map).toEqual(['zebra']);
		expect(report.images_without_model_map).toEqual([]);
		expect(Object.keys(report.images)).toEqual(['a', 'b']);
		expect(report.images.a.spearman).toBeCloseTo(0.6, 12); // as without the extra image
		await writeFile(path.join(dir, 'elsewhere.json'), JSON.stringify({ zebra: { width: 2, height: 2, data: [1, 2, 3, 4] } }));
		const none = await analyze('features', '--human', path.join(dir, 'human.json'), '--model', path.join(dir, 'elsewhere.json'), '--out', path.join(dir, 'x.json'));
		expect(none.code).toBe(1);
		expect(none.stderr).toContain('no image has both a human and a model map (human maps of a, b; model maps of zebra)');
		await writeFile(path.join(dir, 'big.json'), JSON.stringify({ a: { width: 1, height: 4, data: [1, 2, 3, 4] }, b: { width: 2, height: 2, data: [1, 2, 3, 4] } }));
		const sizes = await analyze('features', '--human', path.join(dir, 'human.json'), '--model', path.join(dir, 'big.json'), '--out', path.join(dir, 'x.json'), '--raw');
		expect(sizes.stderr).toContain('image a: the human map is 2 x 2 but the model map is 1 x 4');
	});

	it('gives the numbers the dashboard gives on the same maps: a folder keeps the ceiling it was built with', async () => {
		// people's maps of 3 images (as the ClickMe command stores and writes them), a model's of 5
		const random = seededRandom(7, 'cli-vs-dashboard');
		const noise = (n: number) => Float64Array.from({ length: n }, () => random());
		const size = 24;
		const humanIds = ['cat', 'dog', 'owl'], modelIds = ['car', 'cat', 'dog', 'owl', 'van'];
		const reliability: Record<string, number> = { cat: 0.61, dog: 0.55, owl: 0.7 };
		const comparison = 'harmonization@224';
		const stored = (ids: string[], withReliability: boolean) =>
			Object.fromEntries(ids.map((id) => [id, { png: mapToPng({ width: size, height: size, data: noise(size * size) }), reliability: withReliability ? reliability[id]! : null, params: withReliability ? { reliability_comparison: comparison } : {} }]));
		const humanRows = stored(humanIds, true), modelRows = stored(modelIds, false);

		// the dashboard: the loader decodes each stored map (storedFeatureMap) and the worker runs featureReport on all of them
		const decode = (rows: typeof humanRows) => Object.fromEntries(Object.entries(rows).map(([id, row]) => [id, storedFeatureMap(row)]));
		const dashboard = featureReport(decode(humanRows), decode(modelRows));

		// the command line: the same PNGs as folders, the people's with the ClickMe command's maps.json
		const humanDir = path.join(dir, 'clickme-maps'), modelDir = path.join(dir, 'model-maps');
		await mkdir(humanDir, { recursive: true });
		await mkdir(modelDir, { recursive: true });
		for (const [id, row] of Object.entries(humanRows)) await writeFile(path.join(humanDir, `${id}.png`), row.png);
		for (const [id, row] of Object.entries(modelRows)) await writeFile(path.join(modelDir, `${id}.png`), row.png);
		await writeFile(path.join(humanDir, MAP_FOLDER_METADATA), JSON.stringify({ set: 'demo', maps: humanIds.map((id) => ({ image_id: id, players: 4, reliability: reliability[id] })), options: { reliability_comparison: comparison, reliability_splits: 1000 } }));
		const out = path.join(dir, 'cli-vs-dashboard.json');
		const result = await analyze('features', '--human', humanDir, '--model', modelDir, '--out', out);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const { intervals, interval_options, ...cli } = await readJson(out);
		expect(cli).toEqual(JSON.parse(JSON.stringify(dashboard)));
		// the intervals: the dashboard's (study-summary.ts) on the same images, stream and seed
		expect(interval_options).toEqual({ level: 0.95, method: 'percentile', resampled: 'the images compared', resamples: 1000, seed: 1, source: 'model:model-maps' });
		expect(intervals).toEqual(JSON.parse(JSON.stringify(featureIntervals(dashboard.images, dashboard.ceiling, { resamples: 1000, seed: 1, source: 'model:model-maps' }))));
		expect(intervals.alignment.ci_low).toBeLessThanOrEqual(dashboard.alignment!);
		// the ceiling is the folder's own, the mean reliability it was built with, not the paper's
		expect(cli.ceiling).toBeCloseTo((0.61 + 0.55 + 0.7) / 3, 12);
		expect(cli.ceiling_source).toBe(`ClickMe split-half reliability of the human maps (mean over 3 maps, ${comparison})`);
		expect(cli.images_without_human_map).toEqual(['car', 'van']);
		expect(result.stdout).toContain('not compared: 2 images with a model map but no human map (car, van)');
		for (const m of FEATURE_METRICS) expect(cli[m.id]).toBe(dashboard[m.id]);

		// a folder without its maps.json falls back to the paper's ceiling, and says so
		const bare = path.join(dir, 'clickme-bare');
		await mkdir(bare, { recursive: true });
		for (const [id, row] of Object.entries(humanRows)) await writeFile(path.join(bare, `${id}.png`), row.png);
		await analyze('features', '--human', bare, '--model', modelDir, '--out', out);
		expect((await readJson(out)).ceiling).toBe(0.65753);
		await writeFile(path.join(bare, MAP_FOLDER_METADATA), '{"maps": [{"reliability": 0.5}]}');
		const broken = await analyze('features', '--human', bare, '--model', modelDir, '--out', out);
		expect(broken.code).toBe(1);
		expect(broken.stderr).toContain(`the human maps' metadata ${path.join(bare, MAP_FOLDER_METADATA)}: maps[0] needs an "image_id"`);
	});
});
