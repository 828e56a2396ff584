/** One style per observer: people fixed, each model's colour and marker from its id alone. */
import { describe, expect, it } from 'vitest';
import { HUMAN_STYLE, humanCurveLabel, MODEL_COLOURS, modelColour, observerStyle } from './observer-style.js';

describe('observer style', () => {
	it('gives a model the same colour and marker whatever else is shown, and its display name', () => {
		const alone = observerStyle({ kind: 'model', id: 'mobilenet-v1-0.25', test: false }, { 'mobilenet-v1-0.25': 'MobileNet v1 0.25 (224)' });
		const testRun = observerStyle({ kind: 'model', id: 'mobilenet-v1-0.25', test: true }, { 'mobilenet-v1-0.25': 'MobileNet v1 0.25 (224)' });
		expect(alone.label).toBe('MobileNet v1 0.25 (224)');
		expect(testRun.label).toBe('MobileNet v1 0.25 (224) (test run)');
		expect(testRun.colour).toBe(alone.colour);
		expect(testRun.marker).toBe(alone.marker);
		expect(MODEL_COLOURS).toContain(alone.colour);
		expect(modelColour('mobilenet-v1-0.25')).toBe(alone.colour);
		expect(observerStyle({ kind: 'model', id: 'unnamed', test: false }).label).toBe('unnamed');
		// models differ: of ten ids, several colours are used
		expect(new Set(Array.from({ length: 10 }, (_, i) => modelColour(`model-${i}`))).size).toBeGreaterThan(3);
	});

	it('draws people in one fixed colour and labels the human curve by who is in it', () => {
		expect(observerStyle({ kind: 'human', id: 'a', test: false })).toMatchObject(HUMAN_STYLE);
		const person = { kind: 'human' as const, id: 'a', test: false };
		const testSession = { ...person, test: true };
		expect(humanCurveLabel([person])).toBe('People');
		expect(humanCurveLabel([testSession])).toBe('Test sessions (not people)');
		expect(humanCurveLabel([person, testSession])).toBe('People + test sessions');
	});
});
