/**
 * The subset of PostgREST that the platform uses, translated to SQL the way PostgREST does it:
 *   GET    /rest/v1/<table>?select=a,b&col=eq.1&order=a.desc&limit=10&offset=0
 *   POST   /rest/v1/<table>[?columns=..&on_conflict=..]    insert (Prefer: return=..., resolution=...)
 *   PATCH  /rest/v1/<table>?<filters>                       update
 *   DELETE /rest/v1/<table>?<filters>                       delete
 *   POST   /rest/v1/rpc/<function>                          call with named JSON arguments
 * Everything runs as the request's role inside the caller's transaction, so row-level security,
 * grants and SECURITY DEFINER functions behave as on Supabase. Only the `public` schema is exposed.
 * Anything outside the subset is answered with a clear 400 rather than guessed at.
 */
import { RestError } from './errors.js';
import type { Queryable } from './database.js';

export interface RestRequest {
	method: string;
	/** Path after /rest/v1/, e.g. "trials" or "rpc/record_trials". */
	resource: string;
	query: URLSearchParams;
	headers: Record<string, string | undefined>;
	body: unknown;
}

export interface RestResponse {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

const OBJECT_MEDIA_TYPE = 'application/vnd.pgrst.object+json';
const RESERVED_PARAMS = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict']);

/** Quotes a column or table name after checking it is a plain identifier. */
export function quoteIdent(name: string): string {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
		throw new RestError(400, 'PGRST100', `"${name}" is not a valid column or table name`);
	}
	return `"${name}"`;
}

function unsupported(what: string): never {
	throw new RestError(400, 'PGRST100', `${what} is not supported by the local stand-in`,
		null, 'It serves only the PostgREST subset the platform uses: see src/standin/README.md');
}

/** `select=*` or `a,b,alias:c,d::text`. Embedded resources (`rel(...)`) are outside the subset. */
export function selectList(select: string | null): string {
	if (!select || select.trim() === '*') return '*';
	if (select.includes('(')) unsupported('embedding related tables in select');
	return select
		.split(',')
		.map((raw) => raw.trim())
		.filter(Boolean)
		.map((item) => {
			if (item === '*') return '*';
			const [aliasPart, columnPart] = item.includes(':') && !item.includes('::')
				? (item.split(':', 2) as [string, string])
				: [null, item];
			const [column, cast] = columnPart.split('::') as [string, string | undefined];
			let sql = quoteIdent(column);
			if (cast) sql += `::${quoteIdent(cast)}`;
			if (aliasPart) sql += ` as ${quoteIdent(aliasPart)}`;
			return sql;
		})
		.join(', ');
}

/** Splits `(a,"b,c",d)` into ['a', 'b,c', 'd']. */
function listValues(value: string): string[] {
	if (!value.startsWith('(') || !value.endsWith(')')) {
		throw new RestError(400, 'PGRST100', `"in" filter needs a list in parentheses, got ${value}`);
	}
	const out: string[] = [];
	const re = /\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*(?:,|$)/gy;
	const inner = value.slice(1, -1);
	let match: RegExpExecArray | null;
	while (re.lastIndex < inner.length && (match = re.exec(inner))) {
		out.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? '').trim());
		if (match[0] === '') break;
	}
	return out;
}

const COMPARISONS: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Horizontal filters (`col=op.value`, `col=not.op.value`) as a WHERE clause with parameters. */
export function whereClause(query: URLSearchParams, params: unknown[]): string {
	const conditions: string[] = [];
	for (const [key, raw] of query) {
		if (RESERVED_PARAMS.has(key)) continue;
		if (key === 'or' || key === 'and' || key.startsWith('not.')) unsupported(`the "${key}" filter`);
		const column = quoteIdent(key);
		let expression = raw;
		let negate = false;
		if (expression.startsWith('not.')) {
			negate = true;
			expression = expression.slice(4);
		}
		const dot = expression.indexOf('.');
		if (dot < 0) throw new RestError(400, 'PGRST100', `filter on ${key} must look like op.value, got "${raw}"`);
		const op = expression.slice(0, dot);
		const value = expression.slice(dot + 1);
		let condition: string;
		if (op in COMPARISONS) {
			params.push(value);
			condition = `${column} ${COMPARISONS[op]} $${params.length}`;
		} else if (op === 'like' || op === 'ilike') {
			params.push(value.replace(/\*/g, '%'));
			condition = `${column} ${op} $${params.length}`;
		} else if (op === 'is') {
			const allowed: Record<string, string> = { null: 'null', true: 'true', false: 'false', unknown: 'unknown' };
			if (!allowed[value]) throw new RestError(400, 'PGRST100', `"is" filter takes null, true, false or unknown, got "${value}"`);
			condition = `${column} is ${allowed[value]}`;
		} else if (op === 'in') {
			const values = listValues(value);
			if (values.length === 0) {
				condition = 'false';
			} else {
				condition = `${column} in (${values.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`;
			}
		} else {
			unsupported(`the filter operator "${op}"`);
		}
		conditions.push(negate ? `not (${condition})` : condition);
	}
	return conditions.length ? `where ${conditions.join(' and ')}` : '';
}

/** `order=a.desc.nullslast,b` */
export function orderClause(order: string | null): string {
	if (!order) return '';
	const terms = order.split(',').map((term) => {
		const [column, ...modifiers] = term.trim().split('.') as [string, ...string[]];
		let sql = quoteIdent(column);
		for (const modifier of modifiers) {
			const allowed: Record<string, string> = { asc: 'asc', desc: 'desc', nullsfirst: 'nulls first', nullslast: 'nulls last' };
			if (!allowed[modifier]) throw new RestError(400, 'PGRST100', `unknown order modifier "${modifier}" in "${term}"`);
			sql += ` ${allowed[modifier]}`;
		}
		return sql;
	});
	return `order by ${terms.join(', ')}`;
}

function nonNegativeInteger(value: string | null, name: string): number | null {
	if (value === null) return null;
	if (!/^\d+$/.test(value)) throw new RestError(400, 'PGRST100', `${name} must be a non-negative integer, got "${value}"`);
	return Number(value);
}

function preferences(headers: RestRequest['headers']): Map<string, string> {
	const out = new Map<string, string>();
	for (const part of (headers['prefer'] ?? '').split(',')) {
		const [key, value] = part.trim().split('=');
		if (key) out.set(key, value ?? '');
	}
	return out;
}

function table(resource: string): string {
	if (resource.includes('/')) throw new RestError(404, 'PGRST125', `Invalid path specified in request URL: /rest/v1/${resource}`);
	return `public.${quoteIdent(resource)}`;
}

/** Shapes the rows for the client: an array, or one object when it asked for one. */
function respond(rows: unknown[], request: RestRequest, status: number, headers: Record<string, string> = {}): RestResponse {
	const wantsObject = (request.headers['accept'] ?? '').includes(OBJECT_MEDIA_TYPE);
	if (wantsObject) {
		if (rows.length !== 1) {
			throw new RestError(406, 'PGRST116', 'JSON object requested, multiple (or no) rows returned',
				`The result contains ${rows.length} rows`);
		}
		return { status, body: rows[0], headers };
	}
	return { status, body: rows, headers };
}

async function readRows(tx: Queryable, request: RestRequest): Promise<RestResponse> {
	const params: unknown[] = [];
	const where = whereClause(request.query, params);
	const limit = nonNegativeInteger(request.query.get('limit'), 'limit');
	const offset = nonNegativeInteger(request.query.get('offset'), 'offset') ?? 0;
	const sql = `select coalesce(jsonb_agg(to_jsonb(_row)), '[]'::jsonb) as body from (
		select ${selectList(request.query.get('select'))} from ${table(request.resource)} ${where}
		${orderClause(request.query.get('order'))} ${limit === null ? '' : `limit ${limit}`} offset ${offset}) _row`;
	const [result] = await tx.query<{ body: unknown[] }>(sql, params);
	const rows = result?.body ?? [];
	const headers: Record<string, string> = {};
	const count = preferences(request.headers).get('count');
	if (count === 'exact' || count === 'planned' || count === 'estimated') {
		const [counted] = await tx.query<{ n: number }>(`select count(*)::int as n from ${table(request.resource)} ${where}`, params);
		const total = counted?.n ?? 0;
		headers['content-range'] = rows.length ? `${offset}-${offset + rows.length - 1}/${total}` : `*/${total}`;
	} else {
		headers['content-range'] = rows.length ? `${offset}-${offset + rows.length - 1}/*` : '*/*';
	}
	if (request.method === 'HEAD') return { status: 200, headers };
	return respond(rows, request, 200, headers);
}

async function primaryKey(tx: Queryable, resource: string): Promise<string[]> {
	const rows = await tx.query<{ name: string }>(
		`select a.attname as name from pg_index i
		   join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
		  where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey, a.attnum)`,
		[`public.${quoteIdent(resource)}`]
	);
	return rows.map((r) => r.name);
}

function columnsOf(request: RestRequest, rows: Record<string, unknown>[]): string[] {
	const given = request.query.get('columns');
	if (given) return given.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
	const keys = new Set<string>();
	for (const row of rows) for (const key of Object.keys(row)) keys.add(key);
	return [...keys];
}

async function insertRows(tx: Queryable, request: RestRequest): Promise<RestResponse> {
	const body = request.body;
	const rows = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
	if (rows.some((row) => row === null || typeof row !== 'object' || Array.isArray(row))) {
		throw new RestError(400, 'PGRST102', 'request body must be a JSON object or an array of objects');
	}
	const columns = columnsOf(request, rows);
	if (columns.length === 0) throw new RestError(400, 'PGRST102', 'nothing to insert: the body has no columns');
	const columnList = columns.map(quoteIdent).join(', ');
	const prefer = preferences(request.headers);
	let conflict = '';
	const resolution = prefer.get('resolution');
	if (resolution === 'ignore-duplicates' || resolution === 'merge-duplicates') {
		const target = request.query.get('on_conflict')?.split(',').map((c) => c.trim()) ?? (await primaryKey(tx, request.resource));
		const targetList = target.map(quoteIdent).join(', ');
		conflict = resolution === 'ignore-duplicates'
			? `on conflict (${targetList}) do nothing`
			: `on conflict (${targetList}) do update set ${columns.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(', ')}`;
	}
	const insert = `insert into ${table(request.resource)} (${columnList})
		select ${columnList} from jsonb_populate_recordset(null::${table(request.resource)}, $1::jsonb) ${conflict}`;
	const returnPreference = prefer.get('return') ?? 'minimal';
	if (returnPreference !== 'representation') {
		await tx.query(insert, [JSON.stringify(rows)]);
		return { status: 201 };
	}
	const [result] = await tx.query<{ body: unknown[] }>(
		`with _rows as (${insert} returning *) select coalesce(jsonb_agg(to_jsonb(_rows)), '[]'::jsonb) as body from _rows`,
		[JSON.stringify(rows)]
	);
	return respond(result?.body ?? [], request, 201);
}

async function updateRows(tx: Queryable, request: RestRequest): Promise<RestResponse> {
	const patch = request.body as Record<string, unknown>;
	if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
		throw new RestError(400, 'PGRST102', 'PATCH body must be one JSON object');
	}
	const columns = Object.keys(patch);
	if (columns.length === 0) throw new RestError(400, 'PGRST102', 'nothing to update: the body has no columns');
	const params: unknown[] = [JSON.stringify(patch)];
	const where = whereClause(request.query, params);
	const columnList = columns.map(quoteIdent).join(', ');
	const update = `update ${table(request.resource)} set (${columnList}) =
		(select ${columnList} from jsonb_populate_record(null::${table(request.resource)}, $1::jsonb)) ${where}`;
	return writeAndRespond(tx, request, update, params);
}

async function deleteRows(tx: Queryable, request: RestRequest): Promise<RestResponse> {
	const params: unknown[] = [];
	const where = whereClause(request.query, params);
	return writeAndRespond(tx, request, `delete from ${table(request.resource)} ${where}`, params);
}

async function writeAndRespond(tx: Queryable, request: RestRequest, statement: string, params: unknown[]): Promise<RestResponse> {
	if ((preferences(request.headers).get('return') ?? 'minimal') !== 'representation') {
		await tx.query(statement, params);
		return { status: 204 };
	}
	const [result] = await tx.query<{ body: unknown[] }>(
		`with _rows as (${statement} returning *) select coalesce(jsonb_agg(to_jsonb(_rows)), '[]'::jsonb) as body from _rows`,
		params
	);
	return respond(result?.body ?? [], request, 200);
}

interface FunctionInfo {
	arg_names: string[] | null;
	arg_types: string[];
	n_defaults: number;
	returns_set: boolean;
	return_type: string;
	return_kind: string; // pg_type.typtype: b base, c composite, p pseudo (record, void), d domain, e enum
}

/** Calls a function in `public` with named arguments taken from the JSON body. */
async function callFunction(tx: Queryable, request: RestRequest, name: string): Promise<RestResponse> {
	if (request.method !== 'POST') unsupported(`${request.method} on rpc`);
	const args = (request.body ?? {}) as Record<string, unknown>;
	if (typeof args !== 'object' || Array.isArray(args)) {
		throw new RestError(400, 'PGRST102', 'rpc body must be a JSON object of named arguments');
	}
	const candidates = await tx.query<FunctionInfo>(
		`select p.proargnames as arg_names, array(select format_type(t, null) from unnest(p.proargtypes) t) as arg_types,
		        p.pronargdefaults as n_defaults, p.proretset as returns_set,
		        format_type(p.prorettype, null) as return_type, ty.typtype as return_kind
		   from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_type ty on ty.oid = p.prorettype
		  where n.nspname = 'public' and p.proname = $1`,
		[name]
	);
	const given = Object.keys(args);
	const fn = candidates.find((c) => {
		const names = (c.arg_names ?? []).slice(0, c.arg_types.length);
		const required = names.slice(0, names.length - c.n_defaults);
		return given.every((g) => names.includes(g)) && required.every((r) => given.includes(r));
	});
	if (!fn) {
		// PostgREST's answer, word for word, for a call whose arguments match no function: 404, also
		// for a call with `{}` to a function that takes arguments
		const sorted = [...given].sort();
		const searched = sorted.length ? `with parameters ${sorted.join(', ')}` : 'without parameters';
		const signature = (c: FunctionInfo) => `public.${name}(${(c.arg_names ?? []).slice(0, c.arg_types.length).join(', ')})`;
		throw new RestError(404, 'PGRST202',
			`Could not find the function public.${name}${sorted.length ? `(${sorted.join(', ')})` : ' without parameters'} in the schema cache`,
			`Searched for the function public.${name} ${searched} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
			candidates.length ? `Perhaps you meant to call the function ${signature(candidates[0]!)}` : null);
	}
	const names = (fn.arg_names ?? []).slice(0, fn.arg_types.length);
	const bindings = given.map((argument) => {
		const type = fn.arg_types[names.indexOf(argument)]!;
		const value = type === 'jsonb' || type === 'json'
			? `($1::jsonb -> ${literal(argument)})::${type}`
			: type.endsWith('[]')
				? `(select array_agg(e) from jsonb_array_elements_text($1::jsonb -> ${literal(argument)}) e)::${type}`
				: `($1::jsonb ->> ${literal(argument)})::${type}`;
		return `${quoteIdent(argument)} => ${value}`;
	});
	const call = `public.${quoteIdent(name)}(${bindings.join(', ')})`;
	const params = [JSON.stringify(args)];
	if (fn.return_type === 'void') {
		await tx.query(`select ${call}`, params);
		return { status: 204 };
	}
	const isRow = fn.return_kind === 'c' || fn.return_type === 'record';
	if (fn.returns_set) {
		const sql = isRow
			? `select coalesce(jsonb_agg(to_jsonb(_r)), '[]'::jsonb) as body from ${call} _r`
			: `select coalesce(jsonb_agg(to_jsonb(_r.v)), '[]'::jsonb) as body from ${call} as _r(v)`;
		const [result] = await tx.query<{ body: unknown[] }>(sql, params);
		return respond(result?.body ?? [], request, 200);
	}
	const [result] = await tx.query<{ body: unknown }>(`select to_jsonb(${call}) as body`, params);
	return { status: 200, body: result?.body ?? null };
}

function literal(text: string): string {
	return `'${text.replace(/'/g, "''")}'`;
}

/** Serves one PostgREST request inside the caller's (role-scoped) transaction. */
export async function handleRest(tx: Queryable, request: RestRequest): Promise<RestResponse> {
	const profile = request.headers['accept-profile'] ?? request.headers['content-profile'];
	if (profile && profile !== 'public') {
		throw new RestError(406, 'PGRST106', `The schema must be one of the following: public (got ${profile})`);
	}
	if (request.resource.startsWith('rpc/')) return callFunction(tx, request, request.resource.slice(4));
	switch (request.method) {
		case 'GET':
		case 'HEAD':
			return readRows(tx, request);
		case 'POST':
			return insertRows(tx, request);
		case 'PATCH':
			return updateRows(tx, request);
		case 'DELETE':
			return deleteRows(tx, request);
		default:
			throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${request.method}`);
	}
}
