/**
 * A study's texts (consent, debrief) as participants see them: Markdown, rendered by `marked`
 * (CommonMark and GitHub's tables and autolinks), made safe here, with no DOM needed, so the same
 * function serves the participant page, the dashboard's preview and Node tests.
 *
 * What is safe by construction:
 *  - raw HTML in the text keeps only the tags of ALLOWED_TAGS, without any attribute
 *    (`<p style=..>` becomes `<p>`); every other tag is dropped and any other `<` or `>` is
 *    escaped, and script and style elements go with their content. So texts stored as HTML before issue 15 (`<p>...</p>`) render as before;
 *  - links and images keep only http(s), mailto and relative addresses (no `javascript:` or
 *    `data:`); links open in a new tab, so the experiment's page stays open;
 *  - everything else is marked's own output, which escapes text.
 */
import { Marked, type Tokens } from 'marked';
import type { StudyConfig } from './config.js';

/** Tags kept when a text contains raw HTML (attributes are always dropped). */
const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'hr', 'blockquote', 'small', 'sub', 'sup', 'code']);
const VOID_TAGS = new Set(['br', 'hr']);

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Raw HTML reduced to ALLOWED_TAGS without attributes; other tags dropped, stray < and > escaped. */
function allowedHtml(html: string): string {
	const raw = html.replace(/<(script|style|iframe|object|template)\b[\s\S]*?<\/\1\s*>/gi, '');
	let out = '';
	let last = 0;
	for (const match of raw.matchAll(/<(\/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>|<!--[\s\S]*?-->/g)) {
		out += raw.slice(last, match.index).replace(/</g, '&lt;').replace(/>/g, '&gt;');
		last = match.index + match[0].length;
		const [, slash, name] = match;
		const tag = name?.toLowerCase();
		if (tag && ALLOWED_TAGS.has(tag)) out += VOID_TAGS.has(tag) ? (slash ? '' : `<${tag}>`) : `<${slash}${tag}>`;
	}
	return out + raw.slice(last).replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** http(s), mailto, or a relative address: no ":" before the first "/", so no other scheme however spelt. */
export function safeHref(href: string): boolean {
	if (/^(https?:\/\/|mailto:)/i.test(href)) return true;
	return !/^[^/]*:/.test(href) && !/[\u0000-\u001f]/.test(href);
}

const markdown = new Marked({
	gfm: true,
	breaks: false,
	renderer: {
		html({ text }: Tokens.HTML | Tokens.Tag) {
			return allowedHtml(text);
		},
		link({ href, title, tokens }: Tokens.Link) {
			const inner = this.parser.parseInline(tokens);
			if (!safeHref(href)) return inner;
			return `<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ''} target="_blank" rel="noopener noreferrer">${inner}</a>`;
		},
		image({ href, title, text }: Tokens.Image) {
			if (!safeHref(href)) return escapeHtml(text);
			return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}"${title ? ` title="${escapeHtml(title)}"` : ''} style="max-width:100%">`;
		}
	}
});

/** A study text (Markdown, or HTML stored before issue 15) as safe HTML for the participant's page. */
export function renderStudyText(text: string): string {
	return markdown.parse(text, { async: false });
}

/**
 * The whole consent text in Markdown: the researcher's consent, then the contact and the ethics
 * approval when they are given. The page shows `texts.consent_title` as its heading.
 */
export function consentText(texts: StudyConfig['texts']): string {
	const parts = [texts.consent.trim()];
	if (texts.contact.trim()) parts.push(`**Questions about this study:** ${texts.contact.trim()}`);
	const ethics = [texts.ethics_committee.trim(), texts.ethics_approval_id.trim() && `approval ${texts.ethics_approval_id.trim()}`].filter(Boolean).join(', ');
	if (ethics) parts.push(`**Ethics approval:** ${ethics}`);
	return parts.join('\n\n');
}

/** What the participant page shows of a study's texts, rendered: made on the server (see the study page's +page.server.ts), so participants never download the Markdown renderer. */
export interface StudyPageTexts {
	consentTitle: string;
	consentHtml: string;
	debriefHtml: string;
}

/** The consent page's title (texts.consent_title, which the settings require), consent with contact and ethics approval, and debrief, as safe HTML. */
export function studyPageTexts(config: StudyConfig): StudyPageTexts {
	return {
		consentTitle: config.texts.consent_title.trim(),
		consentHtml: renderStudyText(consentText(config.texts)),
		debriefHtml: renderStudyText(config.texts.debrief)
	};
}
