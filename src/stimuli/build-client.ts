/**
 * The page's handle on build-worker.ts (browser only): start a set build, then take its results
 * one at a time - each image's files, and last manifest.json - so the caller uploads each before
 * the next is built.
 */
import type { BuiltFile } from './build.js';
import type { BuildAnswer, BuildJob } from './build-protocol.js';

export type BuildStep =
	| { type: 'image'; imageId: string; done: number; total: number; files: BuiltFile[] }
	| { type: 'manifest'; file: BuiltFile; images: number; stimuli: number };

export interface SetBuild {
	/** The next image's files, or the manifest after the last image. */
	next(): Promise<BuildStep>;
	close(): void;
}

export function startSetBuild(job: BuildJob): SetBuild {
	const worker = new Worker(new URL('./build-worker.ts', import.meta.url), { type: 'module' });
	let waiting: { resolve: (step: BuildStep) => void; reject: (error: Error) => void } | null = null;
	worker.onmessage = (event: MessageEvent<BuildAnswer>) => {
		const message = event.data;
		const current = waiting;
		waiting = null;
		if (message.type === 'error') current?.reject(new Error(message.message));
		else current?.resolve(message);
	};
	worker.onerror = (event) => {
		waiting?.reject(new Error(event.message || 'the set builder stopped'));
		waiting = null;
	};
	worker.postMessage({ type: 'start', job });
	return {
		next: () =>
			new Promise<BuildStep>((resolve, reject) => {
				waiting = { resolve, reject };
				worker.postMessage({ type: 'next' });
			}),
		close: () => worker.terminate()
	};
}
