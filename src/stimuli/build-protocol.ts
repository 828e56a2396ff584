/** Messages between the dashboard's set builder page and build-worker.ts. */
import type { BuiltFile as BuildFileLike, SetBuildParameters } from './build.js';
import type { Category } from './config.js';
import type { ImportanceMap } from './importance-map.js';
import type { Attribution } from './manifest.js';

export interface BuildJob {
	parameters: SetBuildParameters;
	/** Side of the built stimuli, px. */
	size: number;
	photos: { id: string; category: Category; imagenetClasses: number[]; attribution: Attribution | null; blob: Blob }[];
	/** Maps by photo id (of the photo's size or size x size); null: centre bias, made at size x size. */
	maps: Record<string, ImportanceMap> | null;
}

export type BuildAnswer =
	| { type: 'image'; imageId: string; done: number; total: number; files: BuildFileLike[] }
	| { type: 'manifest'; file: BuildFileLike; images: number; stimuli: number }
	| { type: 'error'; message: string };
