/**
 * What the participant reads, as pure functions of the study's settings: the intro's summary,
 * the consent page, the screen-out for a window that stays too small, the "not taking
 * participants" page and the progress indicator. The study page (src/routes/study/[slug]) and the
 * session's timeline (session.ts) show these; nothing here touches the DOM or the network.
 */
import type { StudyConfig } from './config.js';
import type { StudyPageTexts } from './study-text.js';
import type { PlannedTrial } from './design.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Whether the study takes new participants: live, or a draft its owner tries out (get_study
 * returns a draft to its owner only). Any other status (paused, closed) gets the polite
 * "not taking participants" page before any consent.
 */
export function takesParticipants(status: string): boolean {
	return status === 'live' || status === 'draft';
}

/** The sentence of the "not taking participants" page. */
export const NOT_TAKING_PARTICIPANTS =
	'This study is not taking participants at the moment. Thank you for your interest! Nothing was recorded; you can close this page.';

/**
 * The intro's summary of the sitting, from the session plan's size (design.ts sessionSize) and
 * the study's payment: "You will see 8 pictures: 2 for practice, then 6 in 3 blocks with short
 * breaks. It takes about 15 minutes and pays 3.00 USD."
 */
export function introSummary(size: { practice: number; main: number; total: number; blocks: number }, payment: StudyConfig['payment']): string {
	const pictures = (n: number) => `${n} ${n === 1 ? 'picture' : 'pictures'}`;
	const blocks = size.blocks > 1 ? ` in ${size.blocks} blocks with short breaks` : '';
	const parts = size.practice > 0 ? `: ${size.practice} for practice, then ${size.main}${blocks}` : blocks;
	return `You will see ${pictures(size.total)}${parts}. It takes about ${payment.minutes} minutes and pays ${payment.amount.toFixed(2)} ${payment.currency}.`;
}

/**
 * The texts when the server could not render them (study-text.ts needs the Markdown renderer,
 * which the participant page does not load): each paragraph as escaped plain text, readable if
 * not formatted.
 */
export function plainStudyTexts(config: StudyConfig): StudyPageTexts {
	const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p) => `<p>${escapeHtml(p.trim())}</p>`).join('');
	return { consentTitle: config.texts.consent_title, consentHtml: paragraphs(config.texts.consent), debriefHtml: paragraphs(config.texts.debrief) };
}

/** The consent page: its title, then the consent text (rendered on the server: study-text.ts studyPageTexts). */
export function consentPage(texts: Pick<StudyPageTexts, 'consentTitle' | 'consentHtml'>): string {
	return `<div class="consent" style="max-width:40rem;text-align:left"><h1 data-testid="consent-title">${escapeHtml(texts.consentTitle)}</h1>${texts.consentHtml}</div>`;
}

/** The browser window the experiment needs: the stimulus with a 32 px margin on each side, CSS px. */
export function minimumWindowPx(config: Pick<StudyConfig, 'stimulus_px'>): number {
	return config.stimulus_px + 64;
}

/**
 * The screen-out for a window that could not be made large enough (the browser check's last
 * measurement), or null when it is large enough.
 */
export function windowTooSmall(window: { width: unknown; height: unknown }, minimum: number): string | null {
	const width = Number(window.width), height = Number(window.height);
	if (!Number.isFinite(width) || !Number.isFinite(height) || (width >= minimum && height >= minimum)) return null;
	return `Your browser window is ${Math.round(width)} x ${Math.round(height)} pixels, and this study needs at least ${minimum} x ${minimum} pixels, so you cannot take part on this screen. Thank you for your interest!`;
}

/** The progress indicator between trials: the share of trials done and where the participant is. */
export interface Progress {
	/** Trials done over trials planned, 0..1. */
	fraction: number;
	/** "Practice", "Block 2 of 4", or "Done". */
	label: string;
}

/**
 * Progress from the plan and the trials not done yet (session.remaining()): the next trial's
 * block names the label; blocks are counted from the plan (planSession can fill fewer than
 * `config.blocks`).
 */
export function progressOf(plan: readonly PlannedTrial[], remaining: readonly PlannedTrial[]): Progress {
	const blocks = plan.reduce((most, t) => Math.max(most, t.block_number), 0);
	const next = remaining[0];
	const fraction = plan.length === 0 ? 1 : (plan.length - remaining.length) / plan.length;
	const label = !next ? 'Done' : next.block === 'practice' ? 'Practice' : `Block ${next.block_number} of ${blocks}`;
	return { fraction, label };
}
