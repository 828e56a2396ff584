/** The platform's data access: contracts (types) and the supabase-js calls the app makes. */
export * from './contracts.js';
export * from './trial-fields.js';
export * from './columns.js';
export * from './client.js';
