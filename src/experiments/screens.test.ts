import { describe, expect, it } from 'vitest';
import { resolveStudyConfig } from './study-rules.js';
import type { PlannedTrial } from './design.js';
import { studyPageTexts } from './study-text.js';
import { consentPage, introSummary, minimumWindowPx, progressOf, takesParticipants, windowTooSmall } from './screens.js';

describe('what the participant reads', () => {
	it('turns participants away from a paused or closed study, not from a live one or its owner\'s draft', () => {
		expect(takesParticipants('live')).toBe(true);
		expect(takesParticipants('draft')).toBe(true);
		expect(takesParticipants('paused')).toBe(false);
		expect(takesParticipants('closed')).toBe(false);
	});

	it('sums up the sitting from the session plan and the study\'s payment, no fixed numbers', () => {
		const payment = { amount: 3, currency: 'USD', minutes: 15 };
		expect(introSummary({ practice: 6, main: 87, total: 93, blocks: 4 }, payment)).toBe(
			'You will see 93 pictures: 6 for practice, then 87 in 4 blocks with short breaks. It takes about 15 minutes and pays 3.00 USD.'
		);
		expect(introSummary({ practice: 2, main: 6, total: 8, blocks: 3 }, { amount: 1.5, currency: 'GBP', minutes: 5 })).toBe(
			'You will see 8 pictures: 2 for practice, then 6 in 3 blocks with short breaks. It takes about 5 minutes and pays 1.50 GBP.'
		);
		expect(introSummary({ practice: 0, main: 1, total: 1, blocks: 1 }, payment)).toBe('You will see 1 picture. It takes about 15 minutes and pays 3.00 USD.');
	});

	it('gives the consent page the study\'s consent title, and its texts rendered as HTML', () => {
		expect(studyPageTexts(resolveStudyConfig({})).consentTitle).toBe('Consent to take part'); // the default consent title
		const texts = studyPageTexts(resolveStudyConfig({ texts: { consent_title: 'Informed consent', consent: 'Read **this**.', contact: 'a@b.org', debrief: 'Thanks!' } }));
		expect(texts).toEqual({
			consentTitle: 'Informed consent',
			consentHtml: '<p>Read <strong>this</strong>.</p>\n<p><strong>Questions about this study:</strong> <a href="mailto:a@b.org" target="_blank" rel="noopener noreferrer">a@b.org</a></p>\n',
			debriefHtml: '<p>Thanks!</p>\n'
		});
		const page = consentPage({ consentTitle: 'Cats & <dogs>', consentHtml: '<p>ok</p>' });
		expect(page).toContain('<h1 data-testid="consent-title">Cats &#38; &#60;dogs&#62;</h1><p>ok</p>');
	});

	it('screens out a window that stays too small, naming its size and the size needed', () => {
		const minimum = minimumWindowPx({ stimulus_px: 256 });
		expect(minimum).toBe(320);
		expect(windowTooSmall({ width: 300, height: 900 }, minimum)).toBe(
			'Your browser window is 300 x 900 pixels, and this study needs at least 320 x 320 pixels, so you cannot take part on this screen. Thank you for your interest!'
		);
		expect(windowTooSmall({ width: 320, height: 320 }, minimum)).toBeNull();
		expect(windowTooSmall({ width: undefined, height: 900 }, minimum)).toBeNull(); // not measured: the check decides nothing
	});

	it('shows progress between trials: share done and the block of the next trial', () => {
		const trial = (trial_index: number, block_number: number) => ({ trial_index, block: block_number ? 'main' : 'practice', block_number }) as PlannedTrial;
		const plan = [trial(0, 0), trial(1, 0), trial(2, 1), trial(3, 1), trial(4, 2), trial(5, 3)];
		expect(progressOf(plan, plan)).toEqual({ fraction: 0, label: 'Practice' });
		expect(progressOf(plan, plan.slice(2))).toEqual({ fraction: 2 / 6, label: 'Block 1 of 3' });
		expect(progressOf(plan, plan.slice(5))).toEqual({ fraction: 5 / 6, label: 'Block 3 of 3' });
		expect(progressOf(plan, [])).toEqual({ fraction: 1, label: 'Done' });
	});
});
