/**
 * Whether this visit makes test data: automated browsers (Playwright and other WebDriver clients
 * set `navigator.webdriver`) and `?test=1`. Everything such a visit stores is marked `is_test`,
 * so it can never pass for a person's or a researcher's real data (jsPsych simulation is marked
 * by the experiment itself). The one definition for every page that stores data.
 */
export function isTestVisit(url: URL = new URL(location.href)): boolean {
	return navigator.webdriver === true || url.searchParams.get('test') === '1';
}
