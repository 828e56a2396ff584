import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: { port: 5173, strictPort: false },
	// TensorFlow.js is one large chunk by nature; it loads only on model pages (see e2e/code-split).
	build: { chunkSizeWarningLimit: 1500 },
	// the model worker imports TensorFlow.js lazily (WebGPU backend): it needs ES module workers
	worker: { format: 'es' },
	test: {
		include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
		environment: 'node',
		testTimeout: 60_000,
		hookTimeout: 60_000,
		// Contract tests own a PGlite database and a server port each; keep files in one worker pool.
		fileParallelism: false
	}
});
