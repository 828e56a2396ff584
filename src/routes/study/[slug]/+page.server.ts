// The study's consent and debrief, rendered from Markdown here on the server (study-text.ts), so
// the participant's browser never downloads the Markdown renderer: the page stays under its
// payload limit (e2e/payload.spec.ts). Anything wrong (no such study, database unreachable) is
// left to the page, which fetches the study itself and says so in plain words.
import { env } from '$env/dynamic/public';
import { getStudy } from '$data/index.js';
import { createNodeClient } from '$data/node.js';
import { resolveStudyConfig } from '$experiments/config.js';
import { studyPageTexts, type StudyPageTexts } from '$experiments/study-text.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }): Promise<{ texts: StudyPageTexts | null }> => {
	try {
		const client = createNodeClient(env.PUBLIC_SUPABASE_URL ?? '', env.PUBLIC_SUPABASE_ANON_KEY ?? '');
		const study = await getStudy(client, params.slug);
		return { texts: studyPageTexts(resolveStudyConfig(study.config)) };
	} catch (error) {
		// the page still shows the texts, as plain paragraphs; the server's log says why
		console.warn(`study ${params.slug}: could not render its texts on the server: ${(error as Error).message}`);
		return { texts: null };
	}
};
