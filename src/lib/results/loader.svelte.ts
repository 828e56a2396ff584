/**
 * A study's results page without its markup: loads the study, its sessions, answers and maps,
 * keeps the overview live (every REFRESH_MS while the tab is visible, recomputing the reports
 * only when answers arrived), runs the feature comparisons off the main thread, and exposes all
 * of it, with the rows derived by src/analysis, as one state object the section components read.
 */
import {
	fullRevealFiles,
	importanceMapsOf,
	listModels,
	modelRunsOf,
	listMyStudies,
	listStimulusSets,
	mapSourcesOf,
	studyDecisionTrials,
	studySessions,
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
	studyDecision,
	DECISION_DEFAULTS,
	type FeatureMap,
	type FeatureReport,
	type HumanFeatureMap,
	type ObserverStyle,
	type TimeoutRule
} from '$analysis/index.js';
import { resolveStudyConfig } from '$experiments/index.js';
import { mapFromPng } from '$stimuli/importance-map.js';
import { featureReportInWorker } from '$lib/feature-alignment.js';
import { platformClient } from '$lib/platform.js';

/** How often the overview refreshes while the page is visible. */
export const REFRESH_MS = 10_000;

type Client = ReturnType<typeof platformClient>;

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

	// maps: people's ClickMe maps and each model's saliency (by map source, model:<id>), decoded once
	humanMaps = $state.raw<Record<string, HumanFeatureMap>>({});
	humanMapsFromTests = $state(false);
	modelMaps = $state.raw<Record<string, Record<string, FeatureMap>>>({});
	/** Each model against people's maps, by map source (model:<id>). */
	features = $state.raw<Record<string, FeatureReport>>({});
	featureProgress = $state<string | null>(null);
	/** The fully revealed stimulus file of each image. */
	stimulusFiles = $state.raw<Record<string, string>>({});

	// derived by src/analysis
	readonly decision = $derived(studyDecision(this.trials, this.includeTest, { timeouts: this.timeouts }));
	readonly report = $derived(this.decision.report);
	readonly overview = $derived(sessionOverview(this.sessions, this.report, this.includeTest));
	readonly featuresShown = $derived(this.humanMapsFromTests && !this.includeTest ? {} : this.features);
	readonly summaries = $derived(modelSummaries(this.report, this.featuresShown, this.top1));
	readonly styles = $derived(modelStyles(this.summaries, this.modelNames));
	readonly humanLabel = $derived(humanLabelOf(this.report));
	readonly humansShown = $derived(this.report ? this.report.humans.included.length + this.report.humans.excluded.length : 0);
	readonly testHumans = $derived(this.trials.some((t) => t.observer_kind === 'human' && t.is_test));
	readonly checks = $derived(participantChecks(this.trials, this.includeTest));
	readonly timing = $derived(this.study ? resolveStudyConfig(this.study.config).timing : null);
	readonly mapImages = $derived([...new Set([...Object.keys(this.humanMaps), ...Object.values(this.modelMaps).flatMap((m) => Object.keys(m))])].sort());

	#timer: ReturnType<typeof setInterval> | undefined;

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

	/** Sessions and answers again; the reports (bootstrap included) are recomputed only when answers arrived. */
	async refresh(): Promise<void> {
		if (!this.study) return;
		const client = platformClient();
		const [sessions, trials] = await Promise.all([studySessions(client, this.study.id), studyDecisionTrials(client, this.study)]);
		this.sessions = sessions;
		if (trials.length !== this.trials.length || trials.at(-1)?.created_at !== this.trials.at(-1)?.created_at) this.trials = trials;
		this.updatedAt = new Date();
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
		const [sets, models, files, runs] = await Promise.all([
			listStimulusSets(client),
			listModels(client),
			fullRevealFiles(client, study.stimulus_set_id),
			modelRunsOf(client, study.stimulus_set_id)
		]);
		this.decisionRules = decisionRulesOf(runs);
		this.set = sets.find((s) => s.id === study.stimulus_set_id) ?? null;
		this.top1 = Object.fromEntries(models.map((m) => [m.id, m.imagenet_top1]));
		this.modelNames = Object.fromEntries(models.map((m) => [m.id, m.name]));
		this.stimulusFiles = files;
		await this.refresh();
		await this.#loadMaps(client, study.stimulus_set_id);
	}

	async #loadMaps(client: Client, setId: string): Promise<void> {
		const sources = await mapSourcesOf(client, setId);
		const decode = (rows: Awaited<ReturnType<typeof importanceMapsOf>>) =>
			Object.fromEntries(rows.map((r) => [r.image_id, { ...mapFromPng(r.png), reliability: r.reliability ?? null, reliability_comparison: typeof r.params?.reliability_comparison === 'string' ? r.params.reliability_comparison : null }]));
		if (sources.clickme) {
			const rows = await importanceMapsOf(client, setId, 'clickme');
			this.humanMaps = decode(rows);
			this.humanMapsFromTests = rows.some((r) => r.params?.include_test === true);
		}
		const byModel: Record<string, Record<string, FeatureMap>> = {};
		for (const source of Object.keys(sources).filter((s) => parseObserver(s)?.kind === 'model')) byModel[source] = decode(await importanceMapsOf(client, setId, source));
		this.modelMaps = byModel;
		// each model against people's maps on the images both have (Harmonization preprocessing)
		const humans = this.humanMaps;
		const reports: Record<string, FeatureReport> = {};
		for (const [source, maps] of Object.entries(byModel)) {
			const shared = Object.keys(maps).filter((image) => image in humans);
			if (!shared.length) continue;
			this.featureProgress = `Comparing ${this.mapSourceStyle(source).label} with people's maps on ${shared.length} images...`;
			const pick = <T>(all: Record<string, T>) => Object.fromEntries(shared.map((image) => [image, all[image]!]));
			reports[source] = await featureReportInWorker(pick(humans), pick(maps)); // off the main thread
		}
		this.features = reports;
		this.featureProgress = null;
	}
}
