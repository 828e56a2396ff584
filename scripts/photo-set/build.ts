/**
 * npm run photo-set -- [--out static/stimuli/photos] [--debs DIR]
 *
 * Rebuilds the demo photo set from Debian packages (gcompris-qt-data, python3-skimage):
 * downloads them with `apt-get download` (or takes the .deb files in --debs), unpacks them,
 * reads each photo listed in sources.json - from inside a Qt resource bundle where needed - with
 * its author, licence and source from the activity's README, resizes the shorter side to 256 px,
 * crops the centre square, and writes <id>.png, photos.json and ATTRIBUTION.md. Only public
 * domain, CC0, CC-BY and CC-BY-SA photos are accepted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { rgbToPng } from '../../src/stimuli/png.js';
import { STIMULUS_DEFAULTS } from '../../src/stimuli/config.js';
import { readRcc, type RccFile } from './rcc.js';

interface SourceEntry {
	id: string;
	category: 'animal' | 'non_animal';
	imagenet_classes: number[];
	package: string;
	/** A file of the package; for a Qt bundle, `path` is the resource inside it. */
	file: string;
	path?: string;
	/** The name the README gives the file, where it differs (an upstream typo). */
	credited_as?: string;
	note?: string;
	/** For packages whose credits are not in a README next to the file. */
	attribution?: { author: string; license: string; source: string; note?: string };
}

interface Credit {
	author: string;
	license: string;
	source: string;
}

const ALLOWED_LICENSE = /^(public domain|cc0(-1\.0)?|cc-by(-sa)?[- ]?[0-9.]*)$/i;
const FILE_NAME = /^[\w.-]+\.(webp|png|jpe?g|svg|ogg|wav)$/i;

/**
 * GCompris credits READMEs: blocks separated by blank lines, each with Copyright, License,
 * Source and Comment(s) lines and file names (after "Files:", inline or one per line, or bare),
 * relative to the README. A derived image credits its original in a comment ("based on a photo
 * by X, license L, source at URL"): that comment joins the author, and its URL is the source
 * when the block has no Source line.
 */
export function parseCredits(text: string): Map<string, Credit> {
	const credits = new Map<string, Credit>();
	for (const block of text.split(/\n\s*\n/)) {
		const fields: Record<string, string> = {};
		const files: string[] = [];
		let inFiles = false;
		for (const raw of block.split('\n')) {
			const line = raw.trim();
			if (!line) continue;
			const match = /^(Copyright|License|Source|Comments?|Files):\s*(.*)$/.exec(line);
			if (match) {
				const key = match[1] === 'Comments' ? 'Comment' : match[1]!;
				inFiles = key === 'Files';
				if (inFiles) {
					if (match[2]) files.push(...match[2].split(/\s+/));
				} else fields[key] = match[2]!;
			} else if (inFiles || FILE_NAME.test(line)) files.push(line);
		}
		const comment = fields.Comment ?? '';
		const derived = /based on/i.test(comment);
		const credit = {
			author: derived ? `${fields.Copyright ?? ''} (${comment})` : (fields.Copyright ?? ''),
			license: fields.License ?? '',
			source: fields.Source ?? /source at (\S+)/.exec(comment)?.[1] ?? ''
		};
		for (const file of files) credits.set(file, credit);
	}
	return credits;
}

/** The credit of a resource: the README in its folder or the nearest parent folder that lists it. */
function creditInBundle(files: RccFile[], resourcePath: string, creditedAs?: string): Credit {
	const parts = resourcePath.split('/');
	if (creditedAs) parts[parts.length - 1] = creditedAs;
	for (let depth = parts.length - 1; depth > 0; depth--) {
		const folder = parts.slice(0, depth).join('/');
		const readme = files.find((f) => f.path === `${folder}/README`);
		if (!readme) continue;
		const relative = parts.slice(depth).join('/');
		const credit = parseCredits(readme.data.toString('utf8')).get(relative);
		if (credit) return credit;
	}
	throw new Error(`${resourcePath}: no README in its folders names this file, so its licence is unknown`);
}

function debFor(pkg: string, debsDir: string, downloadDir: string): string {
	for (const dir of [debsDir, downloadDir]) {
		if (!dir || !existsSync(dir)) continue;
		const hit = readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
		if (hit) return path.join(dir, hit);
	}
	console.log(`downloading ${pkg} with apt-get download...`);
	execFileSync('apt-get', ['download', pkg], { cwd: downloadDir, stdio: ['ignore', 'ignore', 'inherit'] });
	const hit = readdirSync(downloadDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
	if (!hit) throw new Error(`apt-get download ${pkg} produced no .deb (run apt-get update first?)`);
	return path.join(downloadDir, hit);
}

async function main() {
	const { values } = parseArgs({
		options: {
			out: { type: 'string', default: 'static/stimuli/photos' },
			debs: { type: 'string', default: '' },
			sources: { type: 'string', default: 'scripts/photo-set/sources.json' }
		}
	});
	const sources = JSON.parse(readFileSync(values.sources, 'utf8')) as { images: SourceEntry[] };
	const work = mkdtempSync(path.join(tmpdir(), 'photo-set-'));
	const size = STIMULUS_DEFAULTS.photoSize;
	try {
		const packageRoots = new Map<string, { root: string; version: string }>();
		for (const pkg of new Set(sources.images.map((e) => e.package))) {
			const deb = debFor(pkg, values.debs, work);
			const root = path.join(work, pkg);
			execFileSync('dpkg-deb', ['-x', deb, root]);
			const version = execFileSync('dpkg-deb', ['-f', deb, 'Version'], { encoding: 'utf8' }).trim();
			packageRoots.set(pkg, { root, version });
		}

		const bundles = new Map<string, RccFile[]>();
		const out = path.resolve(values.out);
		mkdirSync(out, { recursive: true });
		for (const f of readdirSync(out)) if (f.endsWith('.png')) rmSync(path.join(out, f));
		const records = [];
		for (const entry of sources.images) {
			const { root, version } = packageRoots.get(entry.package)!;
			let bytes: Buffer;
			let credit: Credit;
			if (entry.path) {
				if (!bundles.has(entry.file)) bundles.set(entry.file, readRcc(readFileSync(path.join(root, entry.file))));
				const files = bundles.get(entry.file)!;
				const resource = files.find((f) => f.path === entry.path);
				if (!resource) throw new Error(`${entry.id}: ${entry.path} is not in ${entry.file}`);
				bytes = resource.data;
				credit = entry.attribution ?? creditInBundle(files, entry.path, entry.credited_as);
			} else {
				bytes = readFileSync(path.join(root, entry.file));
				if (!entry.attribution) throw new Error(`${entry.id}: a plain file needs an "attribution" in sources.json`);
				credit = entry.attribution;
			}
			if (!ALLOWED_LICENSE.test(credit.license.trim())) {
				throw new Error(`${entry.id}: licence "${credit.license}" does not allow redistribution here (public domain, CC0, CC-BY, CC-BY-SA only)`);
			}
			const meta = await sharp(bytes).metadata();
			const { data, info } = await sharp(bytes)
				.resize(size, size, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
				.flatten({ background: '#ffffff' })
				.removeAlpha()
				.toColourspace('srgb')
				.raw()
				.toBuffer({ resolveWithObject: true });
			if (info.channels !== 3 || info.width !== size || info.height !== size) throw new Error(`${entry.id}: unexpected resize result`);
			writeFileSync(path.join(out, `${entry.id}.png`), rgbToPng({ width: size, height: size, data: new Uint8Array(data) }));
			if (Math.min(meta.width ?? 0, meta.height ?? 0) < size) {
				console.warn(`note: ${entry.id} is ${meta.width} x ${meta.height}, upscaled to ${size}`);
			}
			records.push({
				id: entry.id,
				category: entry.category,
				imagenet_classes: entry.imagenet_classes,
				file: `${entry.id}.png`,
				author: credit.author,
				license: credit.license,
				source_url: credit.source,
				source: {
					package: entry.package,
					package_version: version,
					file: entry.file,
					...(entry.path ? { resource: entry.path } : {}),
					original_width: meta.width,
					original_height: meta.height
				}
			});
		}
		const catalog = {
			description:
				'Demo photo set: openly licensed photographs from Debian packages, shorter side resized to ' +
				`${size} px (Lanczos) and centre-cropped. Rebuilt by scripts/photo-set/build.ts from scripts/photo-set/sources.json.`,
			size,
			images: records
		};
		writeFileSync(path.join(out, 'photos.json'), JSON.stringify(catalog, null, '\t') + '\n');
		const lines = [
			'# Attribution',
			'',
			'The photographs in this folder were resized and cropped from the sources below.',
			'Each keeps its licence; CC-BY and CC-BY-SA photos require this attribution.',
			'',
			'| file | author | licence | source |',
			'|---|---|---|---|',
			...records.map((r) => `| ${r.file} | ${r.author.replace(/\|/g, '/')} | ${r.license} | ${r.source_url} (Debian ${r.source.package} ${r.source.package_version}) |`)
		];
		writeFileSync(path.join(out, 'ATTRIBUTION.md'), lines.join('\n') + '\n');
		const animals = records.filter((r) => r.category === 'animal').length;
		console.log(`wrote ${records.length} photos (${animals} animal, ${records.length - animals} non-animal) to ${out}`);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

await main();
