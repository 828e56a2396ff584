/** The observer's one text form: formatted and parsed back, and free names in hand-written files. */
import { describe, expect, it } from 'vitest';
import { formatObserver, modelObserver, parseObserver, type Observer } from './observer.js';

describe('observer', () => {
	const cases: [Observer, string][] = [
		[{ kind: 'human', id: '7f0c1c3e-0000-4000-a000-000000000001', test: false }, 'human:7f0c1c3e-0000-4000-a000-000000000001'],
		[{ kind: 'model', id: 'mobilenet-v1-0.25', test: false }, 'model:mobilenet-v1-0.25'],
		[{ kind: 'model', id: 'mobilenet-v1-0.25', test: true }, 'test:model:mobilenet-v1-0.25'],
		[{ kind: 'human', id: 'p1', test: true }, 'test:human:p1']
	];

	it('formats [test:]<kind>:<id> and parses it back', () => {
		for (const [observer, text] of cases) {
			expect(formatObserver(observer)).toBe(text);
			expect(parseObserver(text)).toEqual(observer);
		}
		expect(formatObserver(modelObserver('resnet50'))).toBe('model:resnet50'); // also a model's map source
	});

	it('reads a free name as the given kind, and nothing without one', () => {
		expect(parseObserver('p1')).toBeNull();
		expect(parseObserver('p1', 'human')).toEqual({ kind: 'human', id: 'p1', test: false });
		expect(parseObserver('test:p1')).toBeNull();
		expect(() => formatObserver({ kind: 'model', id: '', test: false })).toThrow('an observer needs an id (kind model)');
	});
});
