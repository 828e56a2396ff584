/**
 * What a researcher pastes into a recruitment platform for a study: the participant link,
 * MTurk's ExternalQuestion XML (MTurk appends workerId, assignmentId, hitId and turkSubmitTo)
 * and Prolific's study URL with its placeholders.
 */

export interface StudyLinks {
	participant: string;
	mturkExternalQuestion: string;
	prolific: string;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function studyLinks(origin: string, slug: string): StudyLinks {
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
		prolific: `${participant}?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}`
	};
}
