import { describe, expect, it } from 'vitest';
import { completionTarget, fallbackCompletionCode, possibleFallbackCodes, screenOut } from './completion.js';
import { insecureOriginWarning, studyLinks } from './links.js';

describe('study links', () => {
	it('give the participant link, MTurk ExternalQuestion XML and the Prolific URL', () => {
		const links = studyLinks('https://lab.example.org/', 'demo');
		expect(links.participant).toBe('https://lab.example.org/study/demo');
		expect(links.mturkExternalQuestion).toContain('<ExternalURL>https://lab.example.org/study/demo</ExternalURL>');
		expect(links.mturkExternalQuestion).toContain('ExternalQuestion.xsd');
		expect(links.prolific).toBe('https://lab.example.org/study/demo?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}');
	});
	it('point at the MTurk of the study\'s mode: the sandbox unless it is switched to live', () => {
		const sandbox = studyLinks('https://lab.example.org', 'demo');
		expect(sandbox.mturkMode).toBe('sandbox');
		expect(sandbox.mturk).toEqual({
			requester: 'https://requestersandbox.mturk.com', worker: 'https://workersandbox.mturk.com',
			api: 'https://mturk-requester-sandbox.us-east-1.amazonaws.com', submit: 'https://workersandbox.mturk.com/mturk/externalSubmit'
		});
		const live = studyLinks('https://lab.example.org', 'demo', 'live');
		expect(live.mturk).toEqual({
			requester: 'https://requester.mturk.com', worker: 'https://worker.mturk.com',
			api: 'https://mturk-requester.us-east-1.amazonaws.com', submit: 'https://www.mturk.com/mturk/externalSubmit'
		});
		expect(live.mturkExternalQuestion).toBe(sandbox.mturkExternalQuestion);
		// completion.ts posts to the submit host of either mode
		for (const links of [sandbox, live]) {
			const host = new URL(links.mturk.submit).origin;
			expect(completionTarget({ ...mturk, turkSubmitTo: host }, 'C', null)).toMatchObject({ kind: 'mturk', action: links.mturk.submit });
		}
	});
	it('warn when the public address is not https', () => {
		expect(insecureOriginWarning('https://lab.example.org')).toBeNull();
		expect(insecureOriginWarning('http://lab.example.org')).toBe(
			'This platform is served over http, not https (http://lab.example.org): MTurk refuses an ExternalURL that is not https, and Prolific participants would see an insecure page. Serve it behind HTTPS before recruiting.');
		expect(insecureOriginWarning('http://localhost:5173')).toMatch(/not https \(http:\/\/localhost:5173\).*fine for trying the study on this computer/);
		expect(insecureOriginWarning('not a url')).toBe('The public address "not a url" is not a URL: the study\'s links will not work.');
	});
});

const mturk = { platform: 'mturk' as const, preview: false as const, workerId: 'W', assignmentId: 'A1', hitId: 'H', turkSubmitTo: 'https://workersandbox.mturk.com' };

describe('completion', () => {
	it('posts to MTurk\'s external submit, only on MTurk hosts', () => {
		expect(completionTarget(mturk, 'CODE', null)).toEqual({ kind: 'mturk', action: 'https://workersandbox.mturk.com/mturk/externalSubmit', fields: { assignmentId: 'A1', completion_code: 'CODE' } });
		expect(completionTarget({ ...mturk, turkSubmitTo: 'https://evil.example.com' }, 'CODE', null)).toEqual({ kind: 'none' });
	});
	it('redirects to Prolific with the study\'s completion code', () => {
		const prolific = { platform: 'prolific' as const, workerId: 'P', studyId: 'S', sessionId: 'X' };
		expect(completionTarget(prolific, 'CODE', 'C1A2')).toEqual({ kind: 'prolific', url: 'https://app.prolific.com/submissions/complete?cc=C1A2' });
		expect(completionTarget({ platform: 'local' }, 'CODE', 'C1A2')).toEqual({ kind: 'none' });
	});
	it('makes a fallback code from sha256("<session>:<confirmed>")', async () => {
		// checked against node:crypto, an implementation independent of the Web Crypto one used
		expect(await fallbackCompletionCode('s1', 3)).toBe('L-' + (await import('node:crypto')).createHash('sha256').update('s1:3').digest('hex').slice(0, 10).toUpperCase());
	});
	it('lists every fallback code a session\'s participant can hold, one per count of confirmed trials', async () => {
		const codes = await possibleFallbackCodes('s1', 3);
		expect(codes).toHaveLength(4);
		expect(codes[3]).toBe(await fallbackCompletionCode('s1', 3));
		expect(codes[0]).toBe(await fallbackCompletionCode('s1', 0));
		expect(await possibleFallbackCodes('s1', 0)).toEqual([await fallbackCompletionCode('s1', 0)]);
	});
});

describe('screen-out', () => {
	it('asks a Prolific participant to return the study with the screen-out code, through Prolific\'s completion URL', () => {
		const prolific = { platform: 'prolific' as const, workerId: 'P', studyId: 'S', sessionId: 'X' };
		const out = screenOut(prolific, 'SCR 1');
		expect(out.code).toBe('SCR 1');
		expect(out.url).toBe('https://app.prolific.com/submissions/complete?cc=SCR%201');
		expect(out.instruction).toContain('return the study');
		expect(screenOut(prolific, null)).toEqual({ instruction: expect.stringContaining('return the study on Prolific'), code: null, url: null });
	});
	it('asks an MTurk worker to return the HIT, and gives nothing to hand back in local mode', () => {
		const mturk = { platform: 'mturk' as const, preview: false as const, workerId: 'W', assignmentId: 'A1', hitId: 'H', turkSubmitTo: null };
		expect(screenOut(mturk, 'IGNORED')).toEqual({ instruction: expect.stringContaining('return the HIT'), code: null, url: null });
		expect(screenOut({ platform: 'local' }, 'IGNORED')).toEqual({ instruction: 'You can close this page.', code: null, url: null });
	});
});
