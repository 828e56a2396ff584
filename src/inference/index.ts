/**
 * In-browser (and Node) model inference with TensorFlow.js. Loaded only by model pages and the
 * ClickMe game: participant pages never import this folder (it would add megabytes).
 */
export { BACKEND_PREFERENCE, probeBackends, selectBestBackend, type BackendName, type BackendStatus } from './backends.js';
