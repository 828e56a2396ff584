import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		alias: {
			$data: 'src/data',
			$stimuli: 'src/stimuli',
			$experiments: 'src/experiments',
			$clickgame: 'src/clickgame',
			$inference: 'src/inference',
			$analysis: 'src/analysis'
		}
	}
};
