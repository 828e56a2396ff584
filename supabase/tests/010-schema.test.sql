-- The schema: every table exists, every table is behind row-level security, `anon` holds no
-- table privileges, and the participant API is SECURITY DEFINER with a fixed search_path.
begin;
select plan(25);

select has_table('public', t, 'table ' || t || ' exists')
  from unnest(array['researchers', 'stimulus_sets', 'images', 'stimuli', 'studies', 'participants', 'sessions',
                    'trials', 'players', 'clickme_rounds', 'clickme_strokes', 'importance_maps', 'models',
                    'model_runs', 'model_results']) as t;

select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity),
  null,
  'every table in public has row-level security enabled');

select is(
  (select count(*)::int from information_schema.role_table_grants
    where table_schema = 'public' and grantee = 'anon'),
  0,
  'anon has no privilege on any table or view');

select is(
  (select count(*)::int from information_schema.role_table_grants
    where table_schema = 'public' and grantee = 'authenticated'
      and table_name in ('participants', 'sessions', 'trials', 'clickme_rounds', 'clickme_strokes', 'players')
      and privilege_type in ('INSERT', 'UPDATE', 'DELETE')),
  0,
  'authenticated users cannot write participant data directly (only through the API functions)');

select is(
  (select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.prosecdef
      and not coalesce(array_to_string(p.proconfig, ',') like '%search_path=""%', false)),
  null,
  'every SECURITY DEFINER function pins an empty search_path');

select ok(
  (select bool_and(p.prosecdef) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname in ('start_session', 'record_trials', 'complete_session', 'get_study')),
  'the participant API functions are SECURITY DEFINER');

select ok(has_function_privilege('anon', 'public.get_study(text)', 'execute'), 'anon may read a study''s public description');
select ok(not has_function_privilege('anon', 'public.record_trials(uuid, jsonb)', 'execute'), 'anon may not record trials');
select ok(not has_function_privilege('anon', 'public.start_session(uuid, text, text, text, text, text, text, text, jsonb, boolean)', 'execute'),
  'anon may not start a session (sign in anonymously first)');

select col_is_pk('public', 'trials', 'id', 'trials are keyed by their client-generated id');
select col_is_unique('public', 'trials', array['session_id', 'trial_index'], 'one trial per index per session');

select * from finish();
rollback;
