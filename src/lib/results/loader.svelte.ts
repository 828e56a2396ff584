/**
 * A study's results page without its markup: loads the study, its sessions, answers and maps,
 * keeps the overview live (every REFRESH_MS while the tab is visible, fetching only what changed:
 * live-trials.ts; the reports, bootstrap included, are recomputed only when answers arrived),
 * runs the feature comparisons off the main thread, and exposes all of it, with the rows derived
 * by src/analysis, as one state object the section components read. `loading` says what is still
 * on its way, so no section reads "none yet" while it is only not there yet.
 * Test data (sessions and runs made by automated tests, src/lib/test-data.ts) is left out of the
 * answers, the maps and the map comparisons unless `includeTest`.
 */
import {
	fullRevealFiles,
	importanceMapsOf,
	listModels,
	listMyStudies,
	listStimulusSets,
	mapSourcesOf,
	type DecisionTrial,
	type StimulusSetSummary,
	type StudySession,
	type StudySummary
} from '$data/index.js';
import {
	decisionRulesOf,
	humanLabelOf,
	modelStyles,
	modelSummaries,
	observerStyle,
	parseObserver,
	participantChecks,
	sessionOverview,
	storedFeatureMap,
	studyDecision,
	DECISION_DEFAULTS,
	type FeatureMap,
	type FeatureReport,
	type HumanFeatureMap,
	type ObserverStyle,
	type TimeoutRule
} from '$analysis/index.js';
import { resolveStudyConfig } from '$experiments/index.js';
import { featureReportInWorker } from '$lib/feature-alignment.js';
import { platformClient } from '$lib/platform.js';
import { isTestModelMap } from '$lib/test-data.js';
import { LiveTrials } from './live-trials.js';

/** How often the overview refreshes while the page is visible. */
export const REFRESH_MS = 10_000;

type Client = ReturnType<typeof platformClient>;

/** What is still on its way (true: loading). `maps` covers the maps' download; `features`, their comparison. */
export interface ResultsLoading {
	sessions: boolean;
	trials: boolean;
	maps: boolean;
	features: boolean;
}

/** Which feature reports: with or without test data. */
type Variant = 'with-test' | 'without-test';

export class StudyResults {
	problem = $state<string | null>(null);
	study = $state.raw<StudySummary | null>(null);
	set = $state.raw<StimulusSetSummary | null>(null);
	sessions = $state.raw<StudySession[]>([]);
	trials = $state.raw<DecisionTrial[]>([]);
	/** By model registry id. */
	top1 = $state.raw<Record<string, number | null>>({});
	modelNames = $state.raw<Record<string, string>>({});
	/** The decision rules the stored runs of each model used (model id -> rules), from model_runs.config. */
	decisionRules = $state.raw<Record<string, string[]>>({});
	updatedAt = $state<Date | null>(null);
	/** Show test data (sessions and runs made by automated tests), marked as such. */
	includeTest = $state(false);
	/** Trials with no answer: dropped (the default, as the lab's code) or counted wrong (src/analysis/decision.ts, TIMEOUT_RULES). */
	timeouts = $state<TimeoutRule>(DECISION_DEFAULTS.timeouts);
	/** What is still loading; everything starts loading. */
	loading = $state<ResultsLoading>({ sessions: true, trials: true, maps: true, features: false });
	/** What the maps' download is at ("2 of 4 map sources"), while loading.maps. */
	mapsProgress = $state<string | null>(null);
	/** What the last refresh fetched: new answers, and what it read again in full and why. */
	lastRefresh = $state.raw<{ added: number; reloaded: string[] } | null>(null);

	// maps: people's ClickMe maps and each model's saliency (by map source, model:<id>), decoded once
	humanMaps = $state.raw<Record<string, HumanFeatureMap>>({});
	humanMapsFromTests = $state(false);
	modelMaps = $state.raw<Record<string, Record<string, FeatureMap>>>({});
	/** Whether each model map was made by a test run (by source, then image): src/lib/test-data.ts isTestModelMap. */
	modelMapIsTest = $state.raw<Record<string, Record<string, boolean>>>({});
	/** Each model against people's maps, by map source (model:<id>), with and without test data, and the maps' version they were made of. */
	featuresBy = $state.raw<Partial<Record<Variant, { version: number; reports: Record<string, FeatureReport> }>>>({});
	/** Bumped when new maps are in: a comparison of older maps is redone (and shown until then). */
	mapsVersion = $state(0);
	featureProgress = $state<string | null>(null);
	/** The fully revealed stimulus file of each image. */
	stimulusFiles = $state.raw<Record<string, string>>({});

	// derived by src/analysis
	readonly decision = $derived(studyDecision(this.trials, this.includeTest, { timeouts: this.timeouts }));
	readonly report = $derived(this.decision.report);
	readonly overview = $derived(sessionOverview(this.sessions, this.report, this.includeTest));
	/** The maps shown and compared: test data only when asked for (people's maps built from test rounds, models' maps from test runs). */
	readonly humanMapsShown = $derived(this.humanMapsFromTests && !this.includeTest ? {} : this.humanMaps);
	readonly modelMapsShown = $derived(this.includeTest ? this.modelMaps : withoutTestMaps(this.modelMaps, this.modelMapIsTest));
	/** Model maps left out as test data (0 when test data is shown). */
	readonly testModelMapsHidden = $derived(this.includeTest ? 0 : Object.values(this.modelMapIsTest).flatMap((m) => Object.values(m)).filter(Boolean).length);
	/** Some maps are test data (then the comparisons with and without them differ). */
	readonly hasTestMaps = $derived(this.humanMapsFromTests || Object.values(this.modelMapIsTest).some((m) => Object.values(m).some(Boolean)));
	readonly featuresShown = $derived(this.featuresBy[this.#variant]?.reports ?? {});
	/** Some model map shares an image with people's maps shown: there is something to compare. */
	readonly comparable = $derived(Object.values(this.modelMapsShown).some((maps) => Object.keys(maps).some((image) => image in this.humanMapsShown)));
	/**
	 * The alignment section can be drawn: answers and maps are in, and the maps have been compared
	 * once (a later comparison - new maps, test data switched - shows its progress in the section
	 * and replaces the numbers when done).
	 */
	readonly alignmentReady = $derived(!this.loading.trials && !this.loading.maps && (!this.comparable || Object.keys(this.featuresBy).length > 0));
	readonly summaries = $derived(modelSummaries(this.report, this.featuresShown, this.top1));
	readonly styles = $derived(modelStyles(this.summaries, this.modelNames));
	readonly humanLabel = $derived(humanLabelOf(this.report));
	readonly humansShown = $derived(this.report ? this.report.humans.included.length + this.report.humans.excluded.length : 0);
	readonly testHumans = $derived(this.trials.some((t) => t.observer_kind === 'human' && t.is_test));
	readonly checks = $derived(participantChecks(this.trials, this.includeTest));
	readonly timing = $derived(this.study ? resolveStudyConfig(this.study.config).timing : null);
	readonly mapImages = $derived([...new Set([...Object.keys(this.humanMapsShown), ...Object.values(this.modelMapsShown).flatMap((m) => Object.keys(m))])].sort());

	#timer: ReturnType<typeof setInterval> | undefined;
	#live: LiveTrials | null = null;
	#refreshing: Promise<void> | null = null;
	/** The comparison under way, per variant, so a second ask waits for it instead of repeating it. */
	#comparing: Partial<Record<Variant, Promise<void>>> = {};

	/** Without test maps the two variants are one. */
	get #variant(): Variant {
		return this.includeTest && this.hasTestMaps ? 'with-test' : 'without-test';
	}

	constructor(readonly slug: string) {}

	/** A model's style (name, colour, marker) from its map source (model:<id>). */
	mapSourceStyle(source: string): ObserverStyle {
		return observerStyle(parseObserver(source, 'model'), this.modelNames);
	}

	/** Loads the study, then keeps the overview live; a problem goes to `problem`. */
	async start(): Promise<void> {
		await this.#load();
		if (!this.study) return; // #load said why
		this.#timer = setInterval(() => {
			if (document.visibilityState === 'visible') this.refresh().catch((error) => (this.problem = `Could not refresh: ${(error as Error).message}`));
		}, REFRESH_MS);
	}

	stop(): void {
		clearInterval(this.#timer);
	}

	/**
	 * Sessions, runs and the answers stored since the last fetch (live-trials.ts); the reports
	 * (bootstrap included) are recomputed only when answers arrived, the maps read again only when
	 * the model runs changed.
	 */
	refresh(): Promise<void> {
		// one at a time: a refresh asked for while one runs (the timer on a slow database, a download) waits for it
		return (this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = null)));
	}

	async #refresh(): Promise<void> {
		const live = this.#live;
		if (!live || !this.study) return;
		const outcome = await live.refresh();
		this.sessions = live.sessions;
		if (outcome.added || outcome.reloaded.length) this.trials = live.trials;
		this.decisionRules = decisionRulesOf(live.runs);
		this.lastRefresh = { added: outcome.added, reloaded: outcome.reloaded };
		this.updatedAt = new Date();
		if (outcome.runsChanged) await this.#loadMaps(platformClient(), this.study.stimulus_set_id);
	}

	/**
	 * The feature reports of the maps shown (with or without test data), computed once per variant
	 * and set of maps; the page calls it whenever the choice or the maps change.
	 */
	compareMaps(): Promise<void> {
		const variant = this.#variant;
		if (this.loading.maps || this.featuresBy[variant]?.version === this.mapsVersion) return Promise.resolve();
		return (this.#comparing[variant] ??= this.#compare(variant, this.humanMapsShown, this.modelMapsShown).finally(() => delete this.#comparing[variant]));
	}

	async #compare(variant: Variant, humans: Record<string, HumanFeatureMap>, byModel: Record<string, Record<string, FeatureMap>>): Promise<void> {
		const version = this.mapsVersion;
		this.loading.features = true;
		const reports: Record<string, FeatureReport> = {};
		try {
			// each model against people's maps on the images both have (Harmonization preprocessing;
			// featureReport compares the images with both maps and lists the others, as the CLI does)
			for (const [source, maps] of Object.entries(byModel)) {
				const shared = Object.keys(maps).filter((image) => image in humans).length;
				if (!shared) continue;
				this.featureProgress = `Comparing ${this.mapSourceStyle(source).label} with people's maps on ${shared} images...`;
				reports[source] = await featureReportInWorker(humans, maps); // off the main thread
			}
		} finally {
			this.featureProgress = null;
			this.loading.features = false;
		}
		if (version === this.mapsVersion) this.featuresBy = { ...this.featuresBy, [variant]: { version, reports } };
	}

	async #load(): Promise<void> {
		const client = platformClient();
		const mine = await listMyStudies(client);
		const study = mine.find((s) => s.slug === this.slug) ?? null;
		this.study = study;
		if (!study) {
			this.problem = `You have no study "${this.slug}". It may belong to another researcher.`;
			return;
		}
		const live = new LiveTrials(client, study);
		const [sets, models, files] = await Promise.all([
			listStimulusSets(client),
			listModels(client),
			fullRevealFiles(client, study.stimulus_set_id),
			live.load()
		]);
		this.#live = live;
		this.decisionRules = decisionRulesOf(live.runs);
		this.set = sets.find((s) => s.id === study.stimulus_set_id) ?? null;
		this.top1 = Object.fromEntries(models.map((m) => [m.id, m.imagenet_top1]));
		this.modelNames = Object.fromEntries(models.map((m) => [m.id, m.name]));
		this.stimulusFiles = files;
		this.sessions = live.sessions;
		this.trials = live.trials;
		this.updatedAt = new Date();
		this.loading.sessions = false;
		this.loading.trials = false;
		await this.#loadMaps(client, study.stimulus_set_id);
	}

	/** Every map of the set, decoded; shown all at once when all are in (no section reads a half-loaded set as "none"). */
	async #loadMaps(client: Client, setId: string): Promise<void> {
		const sources = await mapSourcesOf(client, setId);
		const names = Object.keys(sources).filter((s) => s === 'clickme' || parseObserver(s)?.kind === 'model');
		const runs = this.#live?.runs ?? [];
		let humanMaps: Record<string, HumanFeatureMap> = {};
		let humanMapsFromTests = false;
		const modelMaps: Record<string, Record<string, FeatureMap>> = {};
		const modelMapIsTest: Record<string, Record<string, boolean>> = {};
		for (const [i, source] of names.entries()) {
			if (this.loading.maps) this.mapsProgress = `${i} of ${names.length} map sources (${source === 'clickme' ? "people's ClickMe maps" : this.mapSourceStyle(source).label} next)`;
			const rows = await importanceMapsOf(client, setId, source);
			const decoded = Object.fromEntries(rows.map((r) => [r.image_id, storedFeatureMap(r)]));
			if (source === 'clickme') {
				humanMaps = decoded;
				humanMapsFromTests = rows.some((r) => r.params?.include_test === true);
			} else {
				const modelId = parseObserver(source, 'model').id;
				modelMaps[source] = decoded;
				modelMapIsTest[source] = Object.fromEntries(rows.map((r) => [r.image_id, isTestModelMap(r.params, modelId, runs)]));
			}
		}
		this.mapsVersion++;
		this.humanMaps = humanMaps;
		this.humanMapsFromTests = humanMapsFromTests;
		this.modelMaps = modelMaps;
		this.modelMapIsTest = modelMapIsTest;
		this.mapsProgress = null;
		this.loading.maps = false;
	}
}

/** Model maps without those made by test runs. */
function withoutTestMaps(maps: Record<string, Record<string, FeatureMap>>, isTest: Record<string, Record<string, boolean>>): Record<string, Record<string, FeatureMap>> {
	const kept: Record<string, Record<string, FeatureMap>> = {};
	for (const [source, byImage] of Object.entries(maps)) {
		const images = Object.entries(byImage).filter(([image]) => !isTest[source]?.[image]);
		if (images.length) kept[source] = Object.fromEntries(images);
	}
	return kept;
}
