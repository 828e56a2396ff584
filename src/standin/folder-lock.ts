/**
 * One process per embedded database folder. PGlite does not lock its folder, and two processes
 * on one folder lose confirmed writes silently (issue #13, finding 7), so the opener takes
 * `<folder>.lock`: created exclusively (O_EXCL) holding its pid. A second opener, in this or
 * another process, is refused with a sentence naming the folder and that pid; a lock whose
 * process is dead (kill -9, a crash) is stale and taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
	}
}

function holderOf(file: string): number | null {
	try {
		const pid = Number(readFileSync(file, 'utf8').trim());
		return Number.isInteger(pid) && pid > 0 ? pid : null;
	} catch {
		return null;
	}
}

/** Takes the folder's lock or throws the refusal; returns the function that releases it. */
export async function lockFolder(folder: string): Promise<() => void> {
	const absolute = path.resolve(folder);
	const file = `${absolute}.lock`;
	mkdirSync(path.dirname(file), { recursive: true });
	for (let attempt = 0; ; attempt++) {
		try {
			const fd = openSync(file, 'wx', 0o644);
			writeSync(fd, `${process.pid}\n`);
			closeSync(fd);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const holder = holderOf(file);
		if (holder !== null && alive(holder)) {
			throw new Error(`The database folder ${absolute} is in use by process ${holder} (another npm start or stand-in?): ` +
				`stop it, or use another --data folder.`);
		}
		// No pid yet: its opener may be between creating and writing the file; give it a moment.
		if (holder === null && attempt < 5) {
			await new Promise((resolve) => setTimeout(resolve, 50));
			continue;
		}
		if (attempt >= 10) throw new Error(`could not take the lock ${file}: remove it if no stand-in runs on ${absolute}`);
		try {
			unlinkSync(file); // stale: its process is gone
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
	}

	const release = () => {
		process.off('exit', release);
		if (holderOf(file) !== process.pid) return;
		try {
			unlinkSync(file);
		} catch {
			// already gone
		}
	};
	process.on('exit', release); // process.exit() without close() leaves no lock behind
	return release;
}
