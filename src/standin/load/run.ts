/**
 * The load-and-fault run (`npm run bench:load`, README.md in this folder): a fresh stand-in in a
 * child process on a fresh data folder (PGlite) or a throwaway PostgreSQL 15 cluster, the demo
 * set imported as `npm start` does, then simulated participants through the app's own client
 * code, with the faults asked for (kill -9 of the stand-in, an immediate PostgreSQL restart,
 * dropped responses), then a check of every item against the database. Bounded: a hard
 * wall-clock limit, and every process and folder it made is removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importStimulusSet } from '../../data/index.js';
import { allRows, query } from '../../data/client.js';
import { createNodeClient } from '../../data/node.js';
import { ensureDemoSet } from '../../../scripts/demo-set.js';
import { apiKeys } from '../server.js';
import { Metrics, percentile, type CallKind } from './metrics.js';
import { newParticipant, RELOAD_MS, runClickmePlayer, runStudyParticipant, type LoadContext, type SimulatedParticipant } from './participant.js';
import { cleanupNow, createDatabase, dropDatabase, freePort, onCleanup, PostgresCluster, REPO_ROOT, StandinProcess, type StandinExit } from './processes.js';
import { startDropProxy, type DropProxy } from './proxy.js';
import { verifyAgainstDatabase, type Verification } from './verify.js';

export interface LoadOptions {
	participants: number;
	/** One trial (or ClickMe stroke) per participant every this many ms; the study's real pace is about 2500. */
	paceMs: number;
	engine: 'pglite' | 'postgres';
	/** Seconds during which participants send trials; then they finish (drain, complete). */
	durationS: number;
	/** At most this many trials (strokes) per participant; null: the whole trial list. */
	itemsPerParticipant: number | null;
	/** kill -9 the stand-in at this second, restart it on the same data folder 1 s later. */
	killAtS: number | null;
	/** `pg_ctl restart -m immediate` at this second (engine postgres, own cluster). */
	restartDbAtS: number | null;
	/** Fraction of responses a proxy drops after the stand-in answered (0: no proxy). */
	dropResponses: number;
	/** ClickMe players (strokes through the game's queue) instead of study participants. */
	clickme: boolean;
	/** Arrivals spread uniformly over this many seconds (null: min(10, duration / 4)). */
	rampS: number | null;
	/** Seconds after `durationS` for participants to finish (drain and complete). */
	drainS: number;
	/** Hard wall-clock limit of the whole run, setup and check included (null: duration + drain + 300). */
	limitS: number | null;
	/** Where the demo set is built (once; `npm start` uses the same default). */
	stimuliDir: string;
	/** Engine postgres: make a throwaway database on this server instead of a throwaway cluster. */
	postgresAdminUrl?: string;
}

export const LOAD_DEFAULTS: LoadOptions = {
	participants: 20,
	paceMs: 2500,
	engine: 'pglite',
	durationS: 60,
	itemsPerParticipant: null,
	killAtS: null,
	restartDbAtS: null,
	dropResponses: 0,
	clickme: false,
	rampS: null,
	drainS: 60,
	limitS: null,
	stimuliDir: '.local/stimuli'
};

export interface LatencyFigures {
	n: number;
	p50: number | null;
	p95: number | null;
	p99: number | null;
	max: number | null;
}

export interface LoadReport {
	options: LoadOptions;
	date: string;
	machine: string;
	participants: {
		total: number;
		started: number;
		completed: number;
		/** Gave up at the finish deadline with answers pending, and how many answers that was. */
		unsaved: number;
		pendingAtGiveUp: number;
		/** Gave up with every answer confirmed but without a completion code. */
		notCompleted: number;
		lockedOut: number;
		turnedAway: number;
		notStarted: number;
	};
	verification: Verification | null;
	verificationError: string | null;
	outcomes: Metrics['outcomes'];
	/** Items put into record calls (resends included) per distinct item enqueued. */
	itemsSentPerItem: number | null;
	/** Duplicate outcomes as a percentage of all outcomes answered. */
	duplicatePercent: number | null;
	calls: Partial<Record<CallKind, { ok: number; failed: number; causes: Record<string, number>; latency: LatencyFigures }>>;
	/** The record calls (record_trials, or clickme_record) that got an answer. */
	recordLatency: LatencyFigures;
	standin: { peakRssMb: number; cpuS: number; unexpectedExits: StandinExit[]; killedAtS: number | null; backAfterS: number | null; restartedForCheck: boolean };
	database: { restartedAtS: number | null; restartTookS: number | null };
	proxy: { dropped: Record<string, number>; forwarded: number } | null;
	wallS: number;
	/** CPU seconds of this process (the simulated clients and the proxy) during the run. */
	loadGeneratorCpuS: number;
	hitLimit: boolean;
	/** Why the run failed (lost items, false rejections, a crash, an incomplete check); empty when it passed. */
	problems: string[];
}

export interface LoadProgress {
	elapsedS: number;
	totalS: number;
	active: number;
	enqueued: number;
	confirmed: number;
	failedCalls: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function latencyOf(values: readonly number[]): LatencyFigures {
	const round = (x: number | null) => (x === null ? null : Math.round(x));
	return { n: values.length, p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), p99: round(percentile(values, 99)), max: round(percentile(values, 100)) };
}

export function machineDescription(): string {
	const cpus = os.cpus();
	return `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)} at start`;
}

/** Checks options that the command line cannot express alone. */
export function checkLoadOptions(o: LoadOptions): void {
	if (o.restartDbAtS !== null && o.engine !== 'postgres') throw new Error('--restart-db-at needs --engine postgres (PGlite runs inside the stand-in: use --kill-at)');
	if (o.restartDbAtS !== null && o.postgresAdminUrl) throw new Error('a database restart needs the run\'s own throwaway cluster, not a shared PostgreSQL server');
	if (o.dropResponses < 0 || o.dropResponses >= 1) throw new Error(`the fraction of dropped responses must be from 0 to below 1 (got ${o.dropResponses})`);
	for (const [name, at] of [['--kill-at', o.killAtS], ['--restart-db-at', o.restartDbAtS]] as const) {
		if (at !== null && at >= o.durationS) throw new Error(`${name} ${at} is not within the run's ${o.durationS} s (--duration)`);
	}
}

/** Practice trials of the bench's design (the study default, resolveStudyConfig). */
const DESIGN_PRACTICE_TRIALS = 6;
/** Time a participant may need to sign in and start its session before its first trial: 2 s, plus one reload after a failed start. */
const START_SLACK_MS = 2000 + RELOAD_MS;

/**
 * Trials per participant that fit the run: one every `paceMs` from the last arrival (at the end of
 * the ramp), with START_SLACK_MS for signing in and starting, to the end of `durationS`; at most
 * `itemsPerParticipant` and the set's images, at least 2.
 */
export function trialsThatFit(options: Pick<LoadOptions, 'durationS' | 'rampS' | 'paceMs' | 'itemsPerParticipant'>, images: number): number {
	const rampMs = rampMsOf(options);
	const fit = Math.floor((options.durationS * 1000 - rampMs - START_SLACK_MS) / options.paceMs);
	return Math.max(2, Math.min(fit, options.itemsPerParticipant ?? Infinity, images));
}

const rampMsOf = (options: Pick<LoadOptions, 'durationS' | 'rampS'>) => (options.rampS ?? Math.min(10, options.durationS / 4)) * 1000;

export async function runLoad(options: LoadOptions, onProgress?: (progress: LoadProgress) => void): Promise<LoadReport> {
	checkLoadOptions(options);
	const setupStart = performance.now();
	const limitMs = (options.limitS ?? options.durationS + options.drainS + 300) * 1000;
	const hardDeadline = setupStart + limitMs;
	const runId = randomBytes(3).toString('hex');
	const date = new Date().toISOString();
	const machine = machineDescription();
	let runStart = performance.now();
	const clock = () => performance.now() - runStart;
	const seconds = (ms: number) => Math.round(ms / 100) / 10;

	// whatever ends this process (an error, the test runner), the children and folders go with it
	process.once('exit', cleanupNow);
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'slp-load-'));
	const removeDataDir = onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
	let cluster: PostgresCluster | null = null;
	let sharedDatabase: string | null = null;
	let standin: StandinProcess | null = null;
	let proxy: DropProxy | null = null;
	try {
		let databaseUrl: string | undefined;
		if (options.engine === 'postgres') {
			if (options.postgresAdminUrl) {
				sharedDatabase = `slp_load_${Date.now()}_${runId}`;
				databaseUrl = await createDatabase(options.postgresAdminUrl, sharedDatabase);
			} else {
				cluster = await PostgresCluster.start();
				databaseUrl = await createDatabase(cluster.adminUrl, 'slp_load');
			}
		}
		const demo = await ensureDemoSet(path.resolve(REPO_ROOT, options.stimuliDir));
		standin = new StandinProcess({ dataDir, port: await freePort(), databaseUrl, clock: () => seconds(clock()) });
		await standin.start();
		const keys = apiKeys(standin.jwtSecret());
		const service = createNodeClient(standin.url, keys.serviceRoleKey);

		// the demo set in the database, as `npm start` records it; then its stimulus ids read back
		const { data: set, error } = await service.from('stimulus_sets').select('id, manifest_sha256').eq('slug', 'demo').single();
		if (error) throw new Error(`the demo stimulus set is missing from the database: ${error.message}`);
		if (set.manifest_sha256 !== demo.sha256) await importStimulusSet(service, set.id, demo.manifest, demo.sha256);
		const stored = await allRows<{ id: string }>((from, to) => service.from('stimuli').select('id').eq('set_id', set.id).order('id').range(from, to));
		const storedIds = new Set(stored.map((s) => s.id));
		const missing = demo.manifest.stimuli.filter((s) => !storedIds.has(s.id));
		if (missing.length) throw new Error(`${missing.length} stimuli of the demo manifest are not in the database (e.g. ${missing[0]!.id})`);

		// The study's design must fit the run: complete_session hands out a code only once every
		// planned trial is stored (issue #13, finding 5), so the demo study of this throwaway
		// database gets exactly the trials a participant who arrives last can send before the end.
		if (!options.clickme) {
			const trials = trialsThatFit(options, demo.manifest.images.length);
			const { data: demoStudy, error: studyError } = await service.from('studies').select('id, config').eq('slug', 'demo').single();
			if (studyError) throw new Error(`the demo study is missing from the database: ${studyError.message}`);
			const practice = Math.min(DESIGN_PRACTICE_TRIALS, trials - 1);
			const config = { ...(demoStudy.config as Record<string, unknown>), practice_trials: practice, images_per_session: trials - practice };
			await query(service.from('studies').update({ config }).eq('id', demoStudy.id));
		}

		if (options.dropResponses > 0) proxy = await startDropProxy({ port: Number(new URL(standin.url).port) }, options.dropResponses);

		// the run
		const metrics = new Metrics();
		const participants: SimulatedParticipant[] = Array.from({ length: options.participants }, (_, i) => newParticipant(i, options.clickme ? 'clickme' : 'study', runId));
		let aborted = false;
		runStart = performance.now();
		const generatorCpuStart = process.cpuUsage();
		const standinCpuStart = standin.cpuSeconds(); // setup (migrations, the demo import) left out
		const ctx: LoadContext = {
			apiUrl: proxy?.url ?? standin.url,
			anonKey: keys.anonKey,
			manifest: demo.manifest,
			metrics,
			paceMs: options.paceMs,
			itemsPerParticipant: options.itemsPerParticipant,
			clock,
			trialsEndMs: options.durationS * 1000,
			finishEndMs: (options.durationS + options.drainS) * 1000,
			aborted: () => aborted,
			runId
		};
		const faults: Promise<void>[] = [];
		const faultErrors: string[] = [];
		const report: Pick<LoadReport, 'standin' | 'database'> = {
			standin: { peakRssMb: 0, cpuS: 0, unexpectedExits: standin.unexpectedExits, killedAtS: null, backAfterS: null, restartedForCheck: false },
			database: { restartedAtS: null, restartTookS: null }
		};
		if (options.killAtS !== null) {
			const s = standin;
			faults.push(
				sleep(options.killAtS * 1000 - clock()).then(async () => {
					await s.kill9();
					report.standin.killedAtS = seconds(clock());
					await sleep(1000); // a second later, as a supervisor or a person would restart it
					await s.start();
					report.standin.backAfterS = seconds(clock()) - report.standin.killedAtS;
				}).catch((e: Error) => void faultErrors.push(`the stand-in did not start again after kill -9: ${e.message}`))
			);
		}
		if (options.restartDbAtS !== null && cluster) {
			const c = cluster;
			faults.push(
				sleep(options.restartDbAtS * 1000 - clock()).then(async () => {
					report.database.restartedAtS = seconds(clock());
					await c.restartImmediate();
					report.database.restartTookS = seconds(clock()) - report.database.restartedAtS;
				}).catch((e: Error) => void faultErrors.push(`the PostgreSQL restart failed: ${e.message}`))
			);
		}
		const progress = setInterval(() => {
			let enqueued = 0, confirmed = 0, active = 0;
			for (const p of participants) {
				enqueued += p.enqueued.length;
				confirmed += p.queue?.status().confirmed ?? 0;
				if (p.state === 'starting' || p.state === 'running' || p.state === 'finishing') active++;
			}
			onProgress?.({ elapsedS: Math.round(clock() / 1000), totalS: options.durationS + options.drainS, active, enqueued, confirmed, failedCalls: metrics.failedCalls() });
		}, 1000);

		// participants, within the hard limit (a minute is kept for the check)
		const rampMs = rampMsOf(options);
		const arrivals = participants.map((_, i) => (options.participants > 1 ? (i / (options.participants - 1)) * rampMs : 0));
		const everyone = Promise.all(participants.map((p, i) => (p.kind === 'study' ? runStudyParticipant(ctx, p, arrivals[i]!) : runClickmePlayer(ctx, p, arrivals[i]!))));
		const finished = await Promise.race([everyone.then(() => true), sleep(hardDeadline - 60_000 - performance.now()).then(() => false)]);
		const hitLimit = !finished;
		aborted = true;
		for (const p of participants) p.queue?.stop();
		clearInterval(progress);
		await Promise.race([Promise.allSettled(faults), sleep(30_000)]);
		// calls still on the way settle before the count (at most 10 s)
		for (let waited = 0; metrics.inFlight > 0 && waited < 10_000; waited += 100) await sleep(100);
		const wallS = seconds(clock());
		const generatorCpu = process.cpuUsage(generatorCpuStart);
		report.standin.cpuS = Math.round(standin.cpuSeconds() - standinCpuStart);

		// the check against the database, through the stand-in itself (not the dropping proxy)
		let verification: Verification | null = null;
		let verificationError: string | null = null;
		try {
			if (!standin.running) {
				report.standin.restartedForCheck = true;
				await standin.start();
			}
			verification = await Promise.race([
				verifyAgainstDatabase(service, participants),
				sleep(Math.max(5000, hardDeadline - performance.now())).then(() => {
					throw new Error('the check against the database did not finish within the hard limit');
				})
			]);
		} catch (e) {
			verificationError = (e as Error).message;
		}
		report.standin.peakRssMb = Math.round(standin.peakRssBytes / 2 ** 20);

		const calls: LoadReport['calls'] = {};
		for (const [kind, f] of metrics.calls) calls[kind] = { ok: f.ok, failed: f.failed, causes: f.causes, latency: latencyOf(f.latencies) };
		const recordKind: CallKind = options.clickme ? 'clickme_record' : 'record_trials';
		const answered = metrics.outcomes.stored + metrics.outcomes.duplicate + metrics.outcomes.rejected;
		const count = (state: SimulatedParticipant['state']) => participants.filter((p) => p.state === state).length;
		const problems: string[] = [];
		if (verification) {
			if (verification.lostConfirmed) problems.push(`${verification.lostConfirmed} items confirmed to a client are not in the database`);
			if (verification.lostEnqueued) problems.push(`${verification.lostEnqueued} enqueued items were never stored`);
			if (verification.falseRejections) problems.push(`${verification.falseRejections} valid items were rejected (${verification.falseRejectionsStored} of them stored anyway)`);
		} else problems.push(`the check against the database failed: ${verificationError}`);
		for (const exit of standin.unexpectedExits) problems.push(`the stand-in stopped by itself at ${exit.atS} s (exit code ${exit.code}, signal ${exit.signal})`);
		problems.push(...faultErrors);
		if (hitLimit) problems.push(`the participants did not finish within the hard limit of ${limitMs / 1000} s`);
		return {
			options,
			date,
			machine,
			participants: {
				total: participants.length,
				started: participants.filter((p) => p.sessionId !== null).length,
				completed: count('completed'),
				unsaved: count('unsaved'),
				pendingAtGiveUp: participants.reduce((sum, p) => sum + (p.pendingAtGiveUp ?? 0), 0),
				notCompleted: count('not_completed'),
				lockedOut: count('locked_out'),
				turnedAway: count('turned_away'),
				notStarted: participants.filter((p) => p.sessionId === null && p.state !== 'locked_out' && p.state !== 'turned_away').length
			},
			verification,
			verificationError,
			outcomes: metrics.outcomes,
			itemsSentPerItem: verification?.enqueued ? Math.round((metrics.itemsSent / verification.enqueued) * 100) / 100 : null,
			duplicatePercent: answered ? Math.round((metrics.outcomes.duplicate / answered) * 10000) / 100 : null,
			calls,
			recordLatency: latencyOf(metrics.calls.get(recordKind)?.latencies ?? []),
			...report,
			proxy: proxy ? { dropped: Object.fromEntries(proxy.dropped), forwarded: proxy.forwarded } : null,
			wallS,
			loadGeneratorCpuS: Math.round((generatorCpu.user + generatorCpu.system) / 1e6),
			hitLimit,
			problems
		};
	} finally {
		await proxy?.close();
		await standin?.stop();
		if (sharedDatabase && options.postgresAdminUrl) await dropDatabase(options.postgresAdminUrl, sharedDatabase).catch(() => undefined);
		cluster?.stopNow();
		rmSync(dataDir, { recursive: true, force: true });
		removeDataDir();
		process.off('exit', cleanupNow);
	}
}
