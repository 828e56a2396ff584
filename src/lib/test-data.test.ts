/** Which stored model maps are test data (the results page hides them unless asked). */
import { describe, expect, it } from 'vitest';
import { isTestModelMap } from './test-data.js';

describe('test model maps', () => {
	const runs = [
		{ id: 'r-test', model_id: 'net', is_test: true },
		{ id: 'r-real', model_id: 'net', is_test: false },
		{ id: 'r-only-test', model_id: 'other', is_test: true }
	];
	it('follows the run the map names, else whether every run of its model is a test run', () => {
		expect(isTestModelMap({ run_id: 'r-test' }, 'net', runs)).toBe(true);
		expect(isTestModelMap({ run_id: 'r-real' }, 'net', runs)).toBe(false);
		expect(isTestModelMap({ imported: true }, 'net', runs)).toBe(false); // a real run of the model exists
		expect(isTestModelMap({ imported: true }, 'other', runs)).toBe(true); // only test runs
		expect(isTestModelMap({ run_id: 'gone' }, 'other', runs)).toBe(true);
		expect(isTestModelMap(null, 'unknown', runs)).toBe(false); // no run at all: nothing says it is a test
	});
});
