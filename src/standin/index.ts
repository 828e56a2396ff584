/**
 * Local stand-in for the Supabase API (PostgREST + GoTrue subsets) on PGlite or PostgreSQL.
 * See README.md in this folder for what it serves and what it does not.
 */
export { startStandin, apiKeys, type Standin, type StandinOptions } from './server.js';
export { startLocalStandin, type LocalStandin, type LocalStandinOptions } from './local.js';
export { openPglite, openPostgres, type Database, type Queryable } from './database.js';
export { migrate, type MigrationReport } from './migrate.js';
export { signJwt, verifyJwt, JwtError, type Claims } from './jwt.js';
export { DEFAULT_LIMITS, type AdmissionLimits } from './admission.js';
export { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimits } from './rate-limit.js';
