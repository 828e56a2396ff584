/** The platform's data access: contracts (types) and the supabase-js calls the app makes. */
export * from './contracts.js';
export * from './client.js';
