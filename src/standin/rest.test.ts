import { describe, expect, it } from 'vitest';
import { statusForSqlState } from './errors.js';
import { orderClause, quoteIdent, selectList, whereClause } from './rest.js';

describe('PostgREST query translation', () => {
	it('translates select lists, with aliases and casts', () => {
		expect(selectList(null)).toBe('*');
		expect(selectList('*')).toBe('*');
		expect(selectList('id,slug')).toBe('"id", "slug"');
		expect(selectList('name:slug,n::text')).toBe('"slug" as "name", "n"::"text"');
		expect(() => selectList('id,studies(title)')).toThrow('embedding related tables in select is not supported');
	});

	it('translates filters into parameterized conditions', () => {
		const params: unknown[] = [];
		const query = new URLSearchParams('select=*&a=eq.1&b=not.is.null&c=in.(x,"y,z")&d=ilike.*cat*&order=a.desc&limit=3');
		expect(whereClause(query, params)).toBe('where "a" = $1 and not ("b" is null) and "c" in ($2, $3) and "d" ilike $4');
		expect(params).toEqual(['1', 'x', 'y,z', '%cat%']);
		expect(whereClause(new URLSearchParams('c=in.()'), [])).toBe('where false');
	});

	it('refuses what it does not serve, with a clear message, and never interpolates names', () => {
		expect(() => whereClause(new URLSearchParams('or=(a.eq.1,b.eq.2)'), [])).toThrow('the "or" filter is not supported');
		expect(() => whereClause(new URLSearchParams('a=fts.cat'), [])).toThrow('the filter operator "fts" is not supported');
		expect(() => whereClause(new URLSearchParams('a=1'), [])).toThrow('must look like op.value');
		expect(() => quoteIdent('a"; drop table x; --')).toThrow('is not a valid column or table name');
	});

	it('translates order with directions and null placement', () => {
		expect(orderClause('a.desc.nullslast,b')).toBe('order by "a" desc nulls last, "b"');
		expect(() => orderClause('a.sideways')).toThrow('unknown order modifier "sideways"');
	});

	it('maps SQL states to HTTP statuses as PostgREST does', () => {
		expect(statusForSqlState('42501', 'anon')).toBe(401);
		expect(statusForSqlState('42501', 'authenticated')).toBe(403);
		expect(statusForSqlState('23505', 'authenticated')).toBe(409);
		expect(statusForSqlState('PT409', 'authenticated')).toBe(409);
		expect(statusForSqlState('22023', 'authenticated')).toBe(400);
		expect(statusForSqlState('42883', 'authenticated')).toBe(404);
		expect(statusForSqlState('53300', 'authenticated')).toBe(503);
		// the stand-in's additions: a statement timeout and a server shutting down are not faults (500)
		expect(statusForSqlState('57014', 'authenticated')).toBe(504);
		expect(statusForSqlState('57P01', 'authenticated')).toBe(503);
	});
});
