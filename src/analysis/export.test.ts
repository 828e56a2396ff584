/**
 * The platform's trial exports: the detailed CSV (the shared columns first, then what identifies
 * each answer, numbers at their precision) and the raw CSV (every stored column, as stored).
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { exportDetailedCsv, exportTrials, rawTrialsCsv, type StoredDecisionTrial } from './export.js';
import { CSV_PRECISION, parseTrialsCsv, roundTo, TRIAL_COLUMNS, TRIAL_DETAIL_COLUMNS } from './trials.js';

const row = (o: Partial<StoredDecisionTrial>): StoredDecisionTrial => ({
	observer_kind: 'human', observer_id: 'p1', image_id: 'a', category: 'animal', reveal: 1, response: 'animal', rt_ms: 400, block: 'main', is_test: false,
	created_at: '2026-11-22T10:00:00Z', session_id: 's1', trial_index: 12, block_number: 2, duration_ms: 50.1, platform: 'prolific', platform_id: 'PID1', ...o
});

describe('detailed trials CSV', () => {
	const rows = [
		row({ rt_ms: 369.8000000000029, duration_ms: 49.99999999999977, reveal: 0.016681005372000592 }),
		row({ observer_id: 'p2', response: null, rt_ms: null, duration_ms: 100.04999, trial_index: 3, block_number: 1, platform: 'local', platform_id: null }),
		row({ observer_id: 'p3', rt_ms: 512, duration_ms: 33 }), // measured in whole ms: stays whole
		row({ observer_id: 'p1', image_id: 'b', block: 'practice' }), // practice: not exported
		row({ observer_kind: 'model', observer_id: 'resnet', rt_ms: null, session_id: null, trial_index: null, block_number: null, duration_ms: null, platform: null, platform_id: null })
	];
	const csv = exportDetailedCsv(rows);
	const lines = csv.trimEnd().split('\n');

	it('keeps the model-vs-human columns first, then session, trial index, block, too slow, duration and platform ids', () => {
		expect(lines[0]).toBe([...TRIAL_COLUMNS, ...TRIAL_DETAIL_COLUMNS].join(','));
		expect(lines[0]).toBe('observer,kind,image_id,category,reveal,response,rt_ms,session_id,trial_index,block,too_slow,duration_ms,platform,platform_id');
		expect(lines.slice(1)).toEqual([
			'human:p1,human,a,animal,0.016681005372000592,animal,369.8,s1,12,2,false,50,prolific,PID1', // a level is written as stored: it names the condition
			'human:p2,human,a,animal,1,none,,s1,3,1,true,100,local,',
			'human:p3,human,a,animal,1,animal,512,s1,12,2,false,33,prolific,PID1',
			'model:resnet,model,a,animal,1,animal,,,,,false,,,'
		]);
	});

	it('is read by the analysis as the shared format (the extra columns are left aside)', () => {
		expect(parseTrialsCsv(csv)).toEqual(exportTrials(rows).map((t) => ({ ...t, rt_ms: t.rt_ms === null ? null : roundTo(t.rt_ms, CSV_PRECISION.rt_ms) })));
	});

	it('rounds to a step without float noise', () => {
		expect(roundTo(369.8000000000029, 0.1)).toBe(369.8);
		expect(roundTo(369.85, 0.1)).toBe(369.9);
		expect(roundTo(49.99999999999977, 0.1)).toBe(50);
		expect(String(roundTo(412, 0.1))).toBe('412');
	});
});

describe('raw trials CSV', () => {
	it('writes every given column as stored: JSON as JSON, null as empty, nothing rounded or dropped', () => {
		const stored = [
			{ id: 't1', trial_index: 0, block: 'practice', rt_ms: 369.8000000000029, data: { block_number: 0, plugin_version: '1.0.0' }, window_blurs: null },
			{ id: 't2', trial_index: 1, block: 'main', rt_ms: null, data: {}, window_blurs: 2 }
		];
		const csv = rawTrialsCsv(['id', 'trial_index', 'block', 'rt_ms', 'data', 'window_blurs'], stored);
		const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
		expect(parsed.meta.fields).toEqual(['id', 'trial_index', 'block', 'rt_ms', 'data', 'window_blurs']);
		expect(parsed.data).toEqual([
			{ id: 't1', trial_index: '0', block: 'practice', rt_ms: '369.8000000000029', data: '{"block_number":0,"plugin_version":"1.0.0"}', window_blurs: '' },
			{ id: 't2', trial_index: '1', block: 'main', rt_ms: '', data: '{}', window_blurs: '2' }
		]);
		expect(JSON.parse(parsed.data[0]!.data!)).toEqual(stored[0]!.data);
	});
});
