/**
 * What a researcher pastes into a recruitment platform for a study: the participant link,
 * MTurk's ExternalQuestion XML (MTurk appends workerId, assignmentId, hitId and turkSubmitTo),
 * the MTurk sites and API endpoint of the study's mode (sandbox or live), and Prolific's study
 * URL with its placeholders.
 */
import { DEFAULT_STUDY_CONFIG, type MturkMode } from './config.js';

/**
 * MTurk's places, per mode (AWS's MTurk documentation, "Using the sandbox"): where a requester
 * creates HITs (web site, and the API endpoint for the AWS CLI or SDKs), where workers see them,
 * and where a finished assignment is submitted (completion.ts accepts both submit hosts).
 */
export const MTURK_SITES = {
	sandbox: {
		requester: 'https://requestersandbox.mturk.com',
		worker: 'https://workersandbox.mturk.com',
		api: 'https://mturk-requester-sandbox.us-east-1.amazonaws.com',
		submit: 'https://workersandbox.mturk.com/mturk/externalSubmit'
	},
	live: {
		requester: 'https://requester.mturk.com',
		worker: 'https://worker.mturk.com',
		api: 'https://mturk-requester.us-east-1.amazonaws.com',
		submit: 'https://www.mturk.com/mturk/externalSubmit'
	}
} as const satisfies Record<MturkMode, Record<string, string>>;

export interface StudyLinks {
	participant: string;
	mturkExternalQuestion: string;
	mturkMode: MturkMode;
	mturk: (typeof MTURK_SITES)[MturkMode];
	prolific: string;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function studyLinks(origin: string, slug: string, mturkMode: MturkMode = DEFAULT_STUDY_CONFIG.mturk_mode): StudyLinks {
	const participant = `${origin.replace(/\/$/, '')}/study/${encodeURIComponent(slug)}`;
	return {
		participant,
		mturkExternalQuestion: [
			'<?xml version="1.0" encoding="UTF-8"?>',
			'<ExternalQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2006-07-14/ExternalQuestion.xsd">',
			`  <ExternalURL>${escapeXml(participant)}</ExternalURL>`,
			'  <FrameHeight>0</FrameHeight>',
			'</ExternalQuestion>'
		].join('\n'),
		mturkMode,
		mturk: MTURK_SITES[mturkMode],
		prolific: `${participant}?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}`
	};
}

/**
 * The warning for a public address that is not HTTPS, or null. MTurk refuses an ExternalURL that
 * is not https, Prolific participants get a browser warning, and WebGPU needs a secure context.
 */
export function insecureOriginWarning(origin: string): string | null {
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return `The public address "${origin}" is not a URL: the study's links will not work.`;
	}
	if (url.protocol === 'https:') return null;
	const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
	return `This platform is served over ${url.protocol.replace(':', '')}, not https (${url.origin}): MTurk refuses an ExternalURL that is not https, and Prolific participants would see an insecure page. ` +
		(local ? 'That is fine for trying the study on this computer; deploy behind HTTPS before recruiting.' : 'Serve it behind HTTPS before recruiting.');
}
