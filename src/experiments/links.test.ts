import { describe, expect, it } from 'vitest';
import { completionTarget, fallbackCompletionCode } from './completion.js';
import { studyLinks } from './links.js';

describe('study links', () => {
	it('give the participant link, MTurk ExternalQuestion XML and the Prolific URL', () => {
		const links = studyLinks('https://lab.example.org/', 'demo');
		expect(links.participant).toBe('https://lab.example.org/study/demo');
		expect(links.mturkExternalQuestion).toContain('<ExternalURL>https://lab.example.org/study/demo</ExternalURL>');
		expect(links.mturkExternalQuestion).toContain('ExternalQuestion.xsd');
		expect(links.prolific).toBe('https://lab.example.org/study/demo?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}');
	});
});

describe('completion', () => {
	const mturk = { platform: 'mturk' as const, preview: false as const, workerId: 'W', assignmentId: 'A1', hitId: 'H', turkSubmitTo: 'https://workersandbox.mturk.com' };
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
});
