/**
 * A study write's errors in words (issue 15): used by createStudy (researchers.ts) and the
 * settings calls (studies.ts), so a researcher never sees a raw constraint error.
 */
import { DataError, query, type PlatformClient } from './client.js';

/**
 * A failed write of a study, in words. A taken short name names the study that holds it when
 * it is the caller's own ("your study 'Title'", hidden ones too), and says "another lab" when it
 * is not, without its title. The check constraints' sentences are those of their comments in
 * supabase/migrations (study_settings). Other errors pass unchanged. Codes and statuses stay.
 */
export async function explainStudyError<T>(client: PlatformClient, study: { slug: string; title?: string }, write: Promise<T>): Promise<T> {
	try {
		return await write;
	} catch (error) {
		if (!(error instanceof DataError)) throw error;
		if (error.code === '23505' && /slug/.test(error.message)) throw new DataError(await slugTakenSentence(client, study.slug), error.code, error.status, 'slug_taken');
		if (error.code === '23514' && /studies_slug_check/.test(error.message)) {
			throw new DataError(`The short name "${study.slug}" must be 2-63 lower-case letters, digits or -, starting with a letter or digit.`, error.code, error.status, 'slug_invalid');
		}
		if (error.code === '23514' && /studies_title_check/.test(error.message)) {
			throw new DataError('The title must be 1-200 characters.', error.code, error.status, 'title_invalid');
		}
		throw error;
	}
}

/** Who holds a short name, in a sentence: the caller's own study by title, or another lab. */
export async function slugTakenSentence(client: PlatformClient, slug: string): Promise<string> {
	const mine = await query<{ title: string; hidden_at: string | null }[]>(client.from('studies').select('title, hidden_at').eq('slug', slug).limit(1));
	const own = mine[0];
	if (own) {
		return `The short name "${slug}" is already used by your study "${own.title}"${own.hidden_at ? ' (deleted: restore it, or choose another name)' : ''}. Choose another short name.`;
	}
	return `The short name "${slug}" is already used by another lab. Choose another short name.`;
}
