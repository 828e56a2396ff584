/** HS256 JSON Web Tokens, as Supabase (GoTrue and PostgREST) use them. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Claims = Record<string, unknown> & { exp?: number; role?: string; sub?: string };

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function signJwt(claims: Claims, secret: string): string {
	const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const body = base64url(JSON.stringify(claims));
	const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
	return `${head}.${body}.${signature}`;
}

export class JwtError extends Error {
	constructor(
		message: string,
		readonly reason: 'malformed' | 'signature' | 'expired'
	) {
		super(message);
	}
}

/** Returns the claims of a valid token; throws JwtError when malformed, forged or expired. */
export function verifyJwt(token: string, secret: string, now = Date.now() / 1000): Claims {
	const parts = token.split('.');
	if (parts.length !== 3) throw new JwtError('JWT must have three parts', 'malformed');
	const [head, body, signature] = parts as [string, string, string];
	let header: { alg?: string };
	let claims: Claims;
	try {
		header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
		claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
	} catch {
		throw new JwtError('JWT is not valid base64url JSON', 'malformed');
	}
	if (header.alg !== 'HS256') throw new JwtError(`JWT algorithm must be HS256 (got ${header.alg})`, 'malformed');
	const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
	const given = Buffer.from(signature, 'base64url');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		throw new JwtError('JWT signature does not match', 'signature');
	}
	if (typeof claims.exp === 'number' && claims.exp <= now) throw new JwtError('JWT expired', 'expired');
	return claims;
}
