/**
 * Brings a database to the current schema the way the Supabase CLI does: the local shim
 * (what a real Supabase project already has), then every file of supabase/migrations not yet
 * recorded in supabase_migrations.schema_migrations, in name order, then - on a fresh
 * database only - supabase/seed.sql.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from './database.js';

export interface MigrationReport {
	applied: string[];
	seeded: boolean;
}

export async function migrate(db: Database, supabaseDir: string, options: { seed?: boolean } = {}): Promise<MigrationReport> {
	await db.exec(await readFile(path.join(supabaseDir, 'local', 'supabase-shim.sql'), 'utf8'));
	const done = await db.transaction((tx) =>
		tx.query<{ version: string }>('select version from supabase_migrations.schema_migrations')
	);
	const fresh = done.length === 0;
	const doneVersions = new Set(done.map((row) => row.version));
	const files = (await readdir(path.join(supabaseDir, 'migrations'))).filter((f) => f.endsWith('.sql')).sort();
	const applied: string[] = [];
	for (const file of files) {
		const match = /^(\d+)_(.+)\.sql$/.exec(file);
		if (!match) throw new Error(`migration file name must look like <timestamp>_<name>.sql: ${file}`);
		const [, version, name] = match as unknown as [string, string, string];
		if (doneVersions.has(version)) continue;
		const sql = await readFile(path.join(supabaseDir, 'migrations', file), 'utf8');
		try {
			await db.exec(`begin;\n${sql}\n;insert into supabase_migrations.schema_migrations (version, name) values ('${version}', '${name.replace(/'/g, "''")}');\ncommit;`);
		} catch (error) {
			await db.exec('rollback').catch(() => undefined);
			throw new Error(`migration ${file} failed: ${(error as Error).message}`);
		}
		applied.push(file);
	}
	let seeded = false;
	if (fresh && options.seed !== false) {
		await db.exec(await readFile(path.join(supabaseDir, 'seed.sql'), 'utf8'));
		seeded = true;
	}
	return { applied, seeded };
}
