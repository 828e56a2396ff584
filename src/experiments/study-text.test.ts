import { describe, expect, it } from 'vitest';
import { DEFAULT_STUDY_CONFIG } from './config.js';
import { consentText, renderStudyText, safeHref } from './study-text.js';

describe('study texts (Markdown)', () => {
	it('renders Markdown: paragraphs, emphasis, lists, links in a new tab', () => {
		expect(renderStudyText('**Hello** _you_\n\n- one\n- two\n\n[our lab](https://lab.example.org)')).toBe(
			'<p><strong>Hello</strong> <em>you</em></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n' +
			'<p><a href="https://lab.example.org" target="_blank" rel="noopener noreferrer">our lab</a></p>\n'
		);
		expect(renderStudyText('Write to <a.person@lab.example.org>')).toContain('href="mailto:a.person@lab.example.org"');
	});
	it('keeps texts stored as HTML before Markdown working', () => {
		expect(renderStudyText('<p>This study is part of research.</p><p>By clicking "I agree" you <b>consent</b>.</p>')).toBe(
			'<p>This study is part of research.</p><p>By clicking "I agree" you <b>consent</b>.</p>'
		);
	});
	it('drops attributes, unknown tags, scripts and styles; escapes stray angle brackets', () => {
		expect(renderStudyText('<p onclick="steal()" style="color:red">Hi</p>')).toBe('<p>Hi</p>');
		expect(renderStudyText('<script>alert(1)</script><style>p{}</style><p>ok</p>')).toBe('<p>ok</p>');
		expect(renderStudyText('<img src=x onerror=alert(1)><iframe src="https://evil.example"></iframe>')).not.toMatch(/<img|<iframe|onerror/);
		expect(renderStudyText('a <span title=x>b</span> 3 < 4')).toBe('<p>a b 3 &lt; 4</p>\n');
		expect(renderStudyText('<div>\n<svg onload=alert(1)>\n</div>')).not.toMatch(/<svg|<div|onload=alert/);
	});
	it('keeps only http(s), mailto and relative links and images', () => {
		for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java&#x73;cript:alert(1)', '&#106;avascript:alert(1)', 'data:text/html,x', 'vbscript:x']) {
			expect(renderStudyText(`[x](${bad})`), bad).toBe('<p>x</p>\n');
			expect(safeHref(bad), bad).toBe(false);
		}
		expect(renderStudyText('![logo](javascript:alert(1))')).toBe('<p>logo</p>\n');
		expect(renderStudyText('![logo](/logo.png)')).toBe('<p><img src="/logo.png" alt="logo" style="max-width:100%"></p>\n');
		for (const good of ['https://x.org', 'http://x.org/a?b=c:d', 'mailto:a@b.org', '/help', 'help#part', '#top']) expect(safeHref(good), good).toBe(true);
	});
	it('puts consent, contact and ethics approval together', () => {
		const texts = { ...DEFAULT_STUDY_CONFIG.texts, consent: 'Agree?', contact: 'Dr. A. Person, a@lab.example.org', ethics_committee: 'Brown IRB', ethics_approval_id: '2026-17' };
		expect(consentText(texts)).toBe('Agree?\n\n**Questions about this study:** Dr. A. Person, a@lab.example.org\n\n**Ethics approval:** Brown IRB, approval 2026-17');
		expect(consentText({ ...texts, contact: ' ', ethics_committee: '', ethics_approval_id: '' })).toBe('Agree?');
		expect(consentText({ ...texts, ethics_committee: '' })).toContain('**Ethics approval:** approval 2026-17');
	});
});
