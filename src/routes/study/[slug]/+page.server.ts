// The study's settings checked (resolveStudyConfig) and its consent and debrief rendered from
// Markdown here on the server (study-text.ts), so the participant's browser never downloads the
// settings' sentences or the Markdown renderer: the page stays under its
// payload limit (e2e/payload.spec.ts). Anything wrong (no such study, database unreachable) is
// left to the page, which fetches the study itself and says so in plain words.
import { env } from '$env/dynamic/public';
import { getStudy } from '$data/index.js';
import { createNodeClient } from '$data/node.js';
import { StudyConfigError } from '$experiments/config.js';
import { resolveStudyConfig } from '$experiments/study-rules.js';
import { studyPageTexts, type StudyPageTexts } from '$experiments/study-text.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }): Promise<{ texts: StudyPageTexts | null; configProblem: string | null }> => {
	try {
		const client = createNodeClient(env.PUBLIC_SUPABASE_URL ?? '', env.PUBLIC_SUPABASE_ANON_KEY ?? '');
		const study = await getStudy(client, params.slug);
		return { texts: studyPageTexts(resolveStudyConfig(study.config)), configProblem: null };
	} catch (error) {
		// settings that do not pass the checks (written around the settings page): the page says so instead of starting
		if (error instanceof StudyConfigError) return { texts: null, configProblem: error.message };
		// the page still shows the texts, as plain paragraphs; the server's log says why
		console.warn(`study ${params.slug}: could not render its texts on the server: ${(error as Error).message}`);
		return { texts: null, configProblem: null };
	}
};
