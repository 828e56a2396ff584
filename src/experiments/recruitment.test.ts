import { describe, expect, it } from 'vitest';
import { RecruitmentError, recruitmentFromUrl } from './recruitment.js';

const parse = (query: string) => recruitmentFromUrl(new URLSearchParams(query));

describe('recruitmentFromUrl', () => {
	it('reads an MTurk assignment', () => {
		expect(parse('workerId=A1B2&assignmentId=XYZ&hitId=H9&turkSubmitTo=https%3A%2F%2Fworkersandbox.mturk.com')).toEqual({
			platform: 'mturk', preview: false, workerId: 'A1B2', assignmentId: 'XYZ', hitId: 'H9',
			turkSubmitTo: 'https://workersandbox.mturk.com'
		});
	});
	it('recognizes MTurk preview mode, which has no worker', () => {
		expect(parse('assignmentId=ASSIGNMENT_ID_NOT_AVAILABLE&hitId=H9')).toEqual({
			platform: 'mturk', preview: true, assignmentId: 'ASSIGNMENT_ID_NOT_AVAILABLE', hitId: 'H9'
		});
	});
	it('reads a Prolific participant', () => {
		expect(parse('PROLIFIC_PID=5f3a&STUDY_ID=s1&SESSION_ID=x2')).toEqual({
			platform: 'prolific', workerId: '5f3a', studyId: 's1', sessionId: 'x2'
		});
	});
	it('falls back to local mode', () => {
		expect(parse('')).toEqual({ platform: 'local' });
	});
	it('refuses an MTurk link without a usable worker id, saying what to do', () => {
		expect(() => parse('assignmentId=XYZ')).toThrow(RecruitmentError);
		expect(() => parse('assignmentId=XYZ&workerId=a%20b')).toThrow('no valid workerId (got "a b")');
		expect(() => parse('PROLIFIC_PID=')).toThrow('no valid PROLIFIC_PID');
	});
});
