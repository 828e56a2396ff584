/**
 * Where model weights live on this machine, in one place for every Node entry point (`npm start`,
 * the models CLI, the benchmark, the real-model tests): the MODEL_DIR environment variable, else
 * ../shared/models next to the checkout (resolved from the working directory, the repository
 * root). Free of TensorFlow.js, so `npm start` can read it without loading a backend.
 */
import path from 'node:path';

export function defaultModelDir(): string {
	return process.env.MODEL_DIR ?? path.resolve('..', 'shared', 'models');
}
