/**
 * The demo stimulus set: built from the committed photos (static/stimuli/photos) with
 * center-bias maps - an honest placeholder until ClickMe or models supply maps - into
 * <stimuliDir>/demo, and rebuilt only when the photos or the masking code are newer than it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildStimulusSet, manifestSha256, writeCenterBiasMaps } from '../src/stimuli/build-set.js';
import { checkManifest, type StimulusSetManifest } from '../src/stimuli/manifest.js';

export const DEMO_PHOTOS_DIR = 'static/stimuli/photos';
export const DEMO_SET_NAME = 'demo';

/** Newest modification time of the files under `paths` (test files left out), ms. */
export function newestMtime(paths: string[]): number {
	let newest = 0;
	const visit = (p: string) => {
		if (!existsSync(p)) return;
		const stat = statSync(p);
		if (stat.isDirectory()) for (const entry of readdirSync(p)) visit(path.join(p, entry));
		else if (!p.endsWith('.test.ts')) newest = Math.max(newest, stat.mtimeMs);
	};
	paths.forEach(visit);
	return newest;
}

export async function ensureDemoSet(
	stimuliDir: string,
	onProgress?: (done: number, total: number, imageId: string) => void
): Promise<{ dir: string; manifest: StimulusSetManifest; sha256: string; rebuilt: boolean }> {
	const dir = path.join(stimuliDir, DEMO_SET_NAME);
	const manifestFile = path.join(dir, 'manifest.json');
	const stale = !existsSync(manifestFile) || statSync(manifestFile).mtimeMs < newestMtime([DEMO_PHOTOS_DIR, 'src/stimuli']);
	if (stale) {
		const mapsDir = path.join(stimuliDir, 'maps', 'center-bias');
		await writeCenterBiasMaps(DEMO_PHOTOS_DIR, mapsDir);
		await buildStimulusSet({ imagesDir: DEMO_PHOTOS_DIR, mapsDir, outDir: dir, name: DEMO_SET_NAME, mapSource: 'center-bias', onProgress });
	}
	const manifest = checkManifest(JSON.parse(await readFile(manifestFile, 'utf8')));
	return { dir, manifest, sha256: await manifestSha256(dir), rebuilt: stale };
}
