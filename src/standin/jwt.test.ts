import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtError, signJwt, verifyJwt } from './jwt.js';

const SECRET = 'a-test-secret-that-is-at-least-32-chars';

describe('HS256 tokens', () => {
	it('signs exactly as the JWT spec says (checked with an independent HMAC)', () => {
		const token = signJwt({ sub: 'u1', role: 'anon' }, SECRET);
		const [head, body, signature] = token.split('.');
		expect(JSON.parse(Buffer.from(head!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
		expect(JSON.parse(Buffer.from(body!, 'base64url').toString())).toEqual({ sub: 'u1', role: 'anon' });
		expect(signature).toBe(createHmac('sha256', SECRET).update(`${head}.${body}`).digest('base64url'));
	});

	it('verifies a valid token and returns its claims', () => {
		expect(verifyJwt(signJwt({ sub: 'u1', exp: 2000 }, SECRET), SECRET, 1000)).toEqual({ sub: 'u1', exp: 2000 });
	});

	it('refuses forged, expired and malformed tokens, saying which', () => {
		const forged = signJwt({ sub: 'u1' }, 'another-secret-that-is-at-least-32-chars');
		const reason = (token: string, now?: number) => {
			try {
				verifyJwt(token, SECRET, now);
				return 'valid';
			} catch (error) {
				return (error as JwtError).reason;
			}
		};
		expect(reason(forged)).toBe('signature');
		expect(reason(signJwt({ exp: 1000 }, SECRET), 1000)).toBe('expired');
		expect(reason('a.b')).toBe('malformed');
		expect(reason('###.###.###')).toBe('malformed');
		const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
		expect(reason(none)).toBe('malformed');
	});
});
