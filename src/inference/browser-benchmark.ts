/**
 * The models benchmark in a browser (page /bench/models, driven by `npm run bench:models`).
 * For each model and backend, on the same fully revealed stimuli:
 *   worker, batch 1 and batch 16: the platform's way (Web Worker, runModel, results posted back);
 *   naive: on the page's thread, one model.predict per image, no batching, no worker;
 *   saliency: maps per second through the worker (each map also classifies its image).
 * Every figure is images (or maps) per second over the timed part only: the model is loaded and
 * run once on the first image before the clock starts (first calls compile shaders and kernels).
 * Each image is fetched and decoded inside the timed part in all three ways, as in a real run.
 */
import * as tf from '@tensorflow/tfjs';
import { loadStimulusSet } from '../stimuli/load.js';
import { rgbFromPng } from '../stimuli/png.js';
import { taskOf, type TaskId } from '../stimuli/task.js';
import { BACKEND_PREFERENCE, type BackendName } from './backends.js';
import { useBrowserBackend } from './browser-backends.js';
import { preprocessBatch } from './preprocess.js';
import type { ModelEntry } from './registry.js';
import { modelUrl, runInWorker, workerJobs } from './worker-client.js';
import type { WorkerJob } from './worker-protocol.js';

export interface ModelBenchmarkRow {
	model: string;
	backend: string;
	images: number;
	/** Images per second. */
	worker_batch1: number;
	worker_batch16: number;
	naive: number;
	/** naive time / worker batch-16 time. */
	speedup: number;
	/** Saliency maps per second (null when none were asked for). */
	saliency: number | null;
	saliency_maps: number;
}

export interface ModelBenchmarkOptions {
	models: readonly ModelEntry[];
	backends: readonly BackendName[];
	/** Stimuli per timed run (the fully revealed level of the set's first images). */
	images: number;
	/** Saliency maps to time per model and backend (0: skip). */
	saliencyMaps: number;
	setUrl?: string;
	onStatus?: (status: string) => void;
}

/** Images per second through the worker; the clock runs from 'ready' (loaded, warmed up) to the end. */
async function timeWorker(entry: ModelEntry, url: string, backend: BackendName, jobs: WorkerJob[], task: TaskId, batchSize: number, saliency: boolean): Promise<{ rate: number; backend: string }> {
	let start = 0;
	const handle = runInWorker({ type: 'run', entry, modelUrl: url, backend, jobs, task, batchSize, saliency, warmUp: true }, { onReady: () => (start = performance.now()) });
	const { outcome, backend: ran } = await handle.finished;
	const elapsed = performance.now() - start;
	if (outcome !== 'done' || !ran) throw new Error(`${entry.id} on ${backend}: the worker run ended ${outcome}`);
	return { rate: (jobs.length / elapsed) * 1000, backend: ran };
}

/** The naive way on the page's own thread: fetch, decode, one predict per image, read it back. */
async function timeNaive(url: string, entry: ModelEntry, backend: BackendName, jobs: WorkerJob[]): Promise<number> {
	await useBrowserBackend(backend);
	const model = entry.format === 'layers' ? await tf.loadLayersModel(url) : await tf.loadGraphModel(url);
	const predictOne = async (job: WorkerJob) => {
		const image = rgbFromPng(new Uint8Array(await (await fetch(job.url)).arrayBuffer()));
		const x = preprocessBatch([image], entry.inputSize, entry.preprocessing);
		const y = model.predict(x) as tf.Tensor;
		await y.data(); // never dataSync(): it lost the WebGPU device
		x.dispose();
		y.dispose();
	};
	await predictOne(jobs[0]!); // warm-up, like the worker's
	const start = performance.now();
	for (const job of jobs) await predictOne(job);
	const elapsed = performance.now() - start;
	model.dispose();
	return (jobs.length / elapsed) * 1000;
}

export async function benchmarkModels(options: ModelBenchmarkOptions): Promise<ModelBenchmarkRow[]> {
	const set = await loadStimulusSet(options.setUrl ?? '/stimuli/demo');
	const full = set.manifest.levels.length - 1;
	const stimuli = set.manifest.stimuli.filter((s) => s.level_index === full);
	if (stimuli.length < options.images) throw new Error(`the set has ${stimuli.length} fully revealed stimuli, fewer than the ${options.images} asked for`);
	const jobs = workerJobs(set, stimuli.slice(0, options.images), location.origin);
	const task = taskOf(set.manifest).id;
	const rows: ModelBenchmarkRow[] = [];
	for (const backend of options.backends) {
		for (const entry of options.models) {
			const url = await modelUrl(entry, location.origin);
			const status = (what: string) => options.onStatus?.(`${entry.id} on ${backend}: ${what}`);
			status('worker, batch 1');
			const batch1 = await timeWorker(entry, url, backend, jobs, task, 1, false);
			status('worker, batch 16');
			const batch16 = await timeWorker(entry, url, backend, jobs, task, 16, false);
			status('naive');
			const naive = await timeNaive(url, entry, backend, jobs);
			let saliency: number | null = null;
			if (options.saliencyMaps > 0) {
				status('saliency');
				saliency = (await timeWorker(entry, url, backend, jobs.slice(0, options.saliencyMaps), task, 1, true)).rate;
			}
			rows.push({
				model: entry.id,
				backend: batch1.backend,
				images: jobs.length,
				worker_batch1: batch1.rate,
				worker_batch16: batch16.rate,
				naive,
				speedup: batch16.rate / naive,
				saliency,
				saliency_maps: options.saliencyMaps
			});
		}
	}
	return rows;
}

/**
 * The backends to time by default: all that initialize here, except WebGPU on a software
 * adapter (SwiftShader: correct but seconds per image, it would take most of the run).
 */
export async function defaultBenchmarkBackends(): Promise<{ backends: BackendName[]; skipped: { name: string; reason: string }[] }> {
	const backends: BackendName[] = [];
	const skipped: { name: string; reason: string }[] = [];
	for (const name of BACKEND_PREFERENCE) {
		try {
			await useBrowserBackend(name);
		} catch (error) {
			skipped.push({ name, reason: (error as Error).message });
			continue;
		}
		if (name === 'webgpu') {
			const adapter = await (navigator as unknown as { gpu: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean; architecture?: string } } | null> } }).gpu.requestAdapter();
			if (adapter?.info?.isFallbackAdapter) {
				skipped.push({ name, reason: `software adapter (${adapter.info.architecture || 'fallback'}): pass backends=webgpu to time it anyway` });
				continue;
			}
		}
		backends.push(name);
	}
	return { backends, skipped };
}
