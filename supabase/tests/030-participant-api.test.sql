-- Participant API: sessions, trials and completion, each validation and each refusal.
begin;
select plan(35);

select tests.create_researcher('owner@example.org') as owner \gset
select tests.create_researcher('other@example.org') as other \gset
select tests.create_study(:'owner', 'exp') as study \gset
select tests.create_study(:'owner', 'closed-exp', 'closed') as closed_study \gset
select tests.create_user() as p1 \gset
select tests.create_user() as p2 \gset
select tests.stimulus(:'study', 'cat', 0) as cat0 \gset
select tests.stimulus(:'study', 'car', 1) as car1 \gset
select tests.stimulus(:'closed_study', 'cat', 0) as foreign_stimulus \gset
select gen_random_uuid() as s1, gen_random_uuid() as s2, gen_random_uuid() as s3 \gset

-- starting sessions
select tests.authenticate_as(:'p1');
select throws_ok(format($$ select public.start_session(%L, 'exp', 'myspace') $$, :'s1'), '22023',
  'p_platform must be one of mturk, prolific, local (got "myspace")', 'an unknown platform is refused with the valid values');
select throws_ok(format($$ select public.start_session(%L, 'exp', 'mturk') $$, :'s1'), '22023', null,
  'an MTurk session needs a worker id');
select throws_ok(format($$ select public.start_session(%L, 'exp', 'prolific', 'bad id!') $$, :'s1'), '22023', null,
  'a malformed worker id is refused');
select throws_ok(format($$ select public.start_session(%L, 'nope', 'local') $$, :'s1'), 'PT404',
  'no study with slug "nope"', 'an unknown study is refused');
select throws_ok(format($$ select public.start_session(%L, 'closed-exp', 'local') $$, :'s1'), 'PT409', null,
  'a closed study takes no participants');
select throws_ok(format($$ select public.start_session(%L, 'exp', 'local', null, null, null, null, null, '[1]') $$, :'s1'),
  '22023', 'p_client_info must be a JSON object', 'client info must be an object');

select public.start_session(:'s1', 'exp', 'mturk', 'WORKER1', 'ASSIGN1', 'HIT1') as started \gset
select is((:'started'::jsonb ->> 'latin_row')::int, 0, 'the first participant gets Latin-square row 0');
select is(:'started'::jsonb ->> 'key_animal', 's', 'row 0 answers animal with the first key');
select is((:'started'::jsonb ->> 'resumed')::boolean, false, 'a new session is not a resume');
select ok((public.start_session(:'s1', 'exp', 'mturk', 'WORKER1') ->> 'resumed')::boolean,
  'calling start_session again with the same id resumes (idempotent)');
select is((select count(*)::int from public.sessions), 1, 'the participant sees her one session');

select tests.authenticate_as(:'p2');
-- Issue 13 (finding 3): the same worker from another browser now resumes an unfinished session,
-- and only a worker who completed is turned away (031-start-session-resume); here another user
-- with another worker id, or in local mode, cannot take over the session id.
select throws_ok(format($$ select public.start_session(%L, 'exp', 'mturk', 'WORKER9') $$, :'s1'), '42501',
  format('session %s belongs to someone else', :'s1'), 'another worker cannot take over a session id');
select throws_ok(format($$ select public.start_session(%L, 'exp', 'local') $$, :'s1'), '42501', null,
  'another user cannot take over a session id');
select public.start_session(:'s2', 'exp', 'prolific', 'PROLIFIC2') as started2 \gset
select is((:'started2'::jsonb ->> 'latin_row')::int, 1, 'the second participant gets row 1');
select is(:'started2'::jsonb ->> 'key_animal', 'l', 'row 1 answers animal with the second key (counterbalanced)');

-- recording trials
select tests.authenticate_as(:'p1');
select gen_random_uuid() as t0, gen_random_uuid() as t1 \gset
select public.record_trials(:'s1', jsonb_build_array(
  tests.trial(0, :'cat0', 'animal', :'t0'),
  tests.trial(1, :'car1', 'animal') || '{"rt_ms": "fast"}',
  tests.trial(2, :'car1', 'non_animal', :'t1'),
  tests.trial(3, :'foreign_stimulus'),
  tests.trial(4, :'cat0') || '{"colour": "red"}',
  tests.trial(5, :'cat0', 'dog'),
  tests.trial(6, :'cat0', null))) as batch \gset
select results_eq(format($$ select value ->> 'status' from jsonb_array_elements(%L::jsonb) $$, :'batch'),
  array['stored', 'rejected', 'stored', 'rejected', 'rejected', 'rejected', 'stored'],
  'a batch stores the valid trials and rejects only the malformed ones');
select is(:'batch'::jsonb -> 1 ->> 'reason', 'rt_ms must be a number or null (got "fast")', 'a wrong type names the field');
select is(:'batch'::jsonb -> 3 ->> 'reason', format('stimulus_id %s is not a stimulus of this study''s set', :'foreign_stimulus'),
  'a stimulus of another set is rejected');
select matches(:'batch'::jsonb -> 4 ->> 'reason', '^unknown field "colour"', 'an unknown field is rejected by name');
select is(:'batch'::jsonb -> 5 ->> 'reason', 'response must be animal, non_animal or null (got "dog")', 'a bad response is rejected');
select results_eq($$ select trial_index, correct from public.trials order by trial_index $$,
  $$ values (0, true), (2, true), (6, false) $$, 'the server decides correctness; no answer counts as wrong');

select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(0, :'cat0', 'animal', :'t0'))) -> 0 ->> 'status',
  'duplicate', 'sending the same trial again is a duplicate, not a new row');
select is((select count(*)::int from public.trials), 3, 'still three trials after the repeat');
select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(0, :'cat0'))) -> 0 ->> 'reason',
  'trial_index 0 is already stored under another id', 'a second trial with the same index is rejected');
select throws_ok(format($$ select public.record_trials(%L, '{}') $$, :'s1'), '22023',
  'p_trials must be a JSON array of trials', 'the batch must be an array');

select tests.authenticate_as(:'p2');
select throws_ok(format($$ select public.record_trials(%L, %L) $$, :'s1', jsonb_build_array(tests.trial(9, :'cat0'))),
  '42501', null, 'a participant cannot write trials into another''s session');
select is_empty($$ select * from public.trials $$, 'a participant reads none of another''s trials');
select results_eq($$ select id from public.sessions $$, array[:'s2'::uuid], 'a participant reads only her own session');
select throws_ok(format($$ select public.complete_session(%L) $$, :'s1'), '42501', null,
  'a participant cannot complete another''s session');
select throws_ok($$ insert into public.trials (id, session_id, trial_index, block, stimulus_id, correct, fixation_ms)
                    values (gen_random_uuid(), gen_random_uuid(), 0, 'main', gen_random_uuid(), true, 0) $$,
  '42501', null, 'a participant cannot insert into trials directly');

-- completion
select tests.authenticate_as(:'p1');
select public.complete_session(:'s1') as done \gset
select is((:'done'::jsonb ->> 'trials_saved')::int, 3, 'completion reports the trials the server holds');
select is(public.complete_session(:'s1') ->> 'completion_code', :'done'::jsonb ->> 'completion_code',
  'completing again returns the same code');
select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(7, :'cat0'))) -> 0 ->> 'reason',
  'the session is completed and takes no new trials', 'a completed session takes no new trials');

-- the study's owner reads everything; another researcher nothing
select tests.authenticate_as(:'owner');
select is((select count(*)::int from public.trials), 3, 'the study owner reads the trials of her study');
select tests.authenticate_as(:'other');
select is((select count(*)::int from public.trials) + (select count(*)::int from public.sessions), 0,
  'another researcher reads no trials and no sessions of it');

select * from finish();
rollback;
