import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BACKEND_PREFERENCE, probeBackends, selectBestBackend } from './index.js';

describe('backend selection in Node', () => {
	it('reports every backend in order of preference, with a reason for the missing ones', async () => {
		const statuses = await probeBackends();
		expect(statuses.map((s) => s.name)).toEqual([...BACKEND_PREFERENCE]);
		expect(statuses.find((s) => s.name === 'cpu')).toEqual({ name: 'cpu', available: true, reason: null });
		const webgpu = statuses.find((s) => s.name === 'webgpu')!;
		expect(webgpu.available).toBe(false);
		expect(webgpu.reason).toBe('navigator.gpu is not available');
	});

	it('selects the first backend that initializes, and refuses when none is allowed', async () => {
		expect(await selectBestBackend()).toBe('cpu');
		expect(tf.getBackend()).toBe('cpu');
		await expect(selectBestBackend(['webgpu'])).rejects.toThrow('none of the backends webgpu could be initialized here');
	});
});
