/** The platform's data access: contracts (types) and the supabase-js calls the app makes, by area. */
export * from './contracts.js';
export * from './trial-fields.js';
export * from './columns.js';
export { createPlatformClient, DataError, type ClientOptions, type PlatformClient } from './client.js';
export * from './participants.js';
export * from './researchers.js';
export * from './studies.js';
export * from './study-errors.js';
export * from './results.js';
export * from './stimulus-sets.js';
export * from './model-runs.js';
export * from './clickme.js';
export * from './neural-datasets.js';
