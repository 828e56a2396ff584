/**
 * Test data: what automated runs make, kept apart from people's and researchers' real data.
 * The one definition for every page that stores data, and for the results page that hides it.
 */

/**
 * Whether this visit makes test data: automated browsers (Playwright and other WebDriver clients
 * set `navigator.webdriver`) and `?test=1`. Everything such a visit stores is marked `is_test`,
 * so it can never pass for a person's or a researcher's real data (jsPsych simulation is marked
 * by the experiment itself).
 */
export function isTestVisit(url: URL = new URL(location.href)): boolean {
	return navigator.webdriver === true || url.searchParams.get('test') === '1';
}

/**
 * Whether a model's stored saliency map is test data: the run named in its params (`run_id`, as
 * the models page stores it) is a test run; a map naming no run (imported, or stored before runs
 * were named) is test data when every run of that model on the set is a test run. People's ClickMe
 * maps are test data when they were built including test rounds (`params.include_test`,
 * src/clickgame/build-maps.ts).
 */
export function isTestModelMap(params: Record<string, unknown> | null | undefined, modelId: string, runs: readonly { id: string; model_id: string; is_test: boolean }[]): boolean {
	const runId = params?.run_id;
	const named = typeof runId === 'string' ? runs.find((r) => r.id === runId) : undefined;
	if (named) return named.is_test;
	const ofModel = runs.filter((r) => r.model_id === modelId);
	return ofModel.length > 0 && ofModel.every((r) => r.is_test);
}
