-- decision_trials' export columns (20261201030000): the owner reads each answer's row id, trial
-- index, block number and platform ids; another researcher and the anon key read nothing; a
-- fetch since a time returns only what was stored since. study_sessions' main-trial count through
-- session_main_trials (20261201030100): the owner's and the participant's, nobody else's.
begin;
select plan(11);

select tests.create_researcher('carol@example.org') as carol \gset
select tests.create_researcher('dave@example.org') as dave \gset
select tests.create_user() as participant \gset
select tests.create_study(:'carol', 'export-study') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
select gen_random_uuid() as session, gen_random_uuid() as run, gen_random_uuid() as first_trial, gen_random_uuid() as later_trial, gen_random_uuid() as result \gset

insert into public.participants (id, study_id, platform, worker_id, latin_row) values (gen_random_uuid(), :'study', 'prolific', 'PID_123', 0);
insert into public.sessions (id, study_id, participant_id, user_id, platform, key_animal, key_non_animal, order_seed, is_test)
select :'session', :'study', p.id, :'participant', 'prolific', 'f', 'j', 1, false from public.participants p where p.study_id = :'study';
insert into public.trials (id, session_id, trial_index, block, stimulus_id, response, correct, rt_ms, fixation_ms, data, created_at)
values (:'first_trial', :'session', 3, 'main', tests.stimulus(:'study', 'cat', 1), 'animal', true, 412.5, 1300, '{"block_number": 2}', now() - interval '1 minute'),
       (:'later_trial', :'session', 4, 'main', tests.stimulus(:'study', 'car', 1), 'non_animal', true, 380, 1300, '{"block_number": 2}', now());
insert into public.models (id, name, family) values ('export-net', 'Export net', 'CNN');
insert into public.model_runs (id, model_id, stimulus_set_id, study_id, backend, started_by) values (:'run', 'export-net', :'set_id', :'study', 'cpu', :'carol');
insert into public.model_results (id, run_id, stimulus_id, response, p_animal, top5) values (:'result', :'run', tests.stimulus(:'study', 'car', 1), 'animal', 0.7, '[]');

select tests.authenticate_as(:'carol');
select results_eq(format($$ select trial_id, trial_index, block_number, platform::text, platform_id from public.decision_trials where study_id = %L and observer_kind = 'human' order by trial_index $$, :'study'),
  format($$ values (%L::uuid, 3, 2, 'prolific'::text, 'PID_123'::text), (%L::uuid, 4, 2, 'prolific', 'PID_123') $$, :'first_trial', :'later_trial'),
  'the owner reads each answer''s id, trial index, block number and platform ids');
select results_eq(format($$ select trial_id, trial_index, block_number, platform::text, platform_id from public.decision_trials where set_id = %L and observer_kind = 'model' $$, :'set_id'),
  format($$ values (%L::uuid, null::integer, null::integer, null::text, null::text) $$, :'result'),
  'a model''s answer carries its result id and no session fields');
select results_eq(format($$ select trial_id from public.decision_trials where study_id = %L and observer_kind = 'human' and created_at >= now() - interval '10 seconds' $$, :'study'),
  format($$ values (%L::uuid) $$, :'later_trial'),
  'a fetch since a time returns only the answers stored since');

select results_eq(format($$ select main_trials from public.study_sessions where study_id = %L $$, :'study'), $$ values (2::bigint) $$,
  'the owner reads the session''s main-trial count through the view');

select tests.authenticate_as(:'participant');
select results_eq(format($$ select main_trials from public.study_sessions where session_id = %L $$, :'session'), $$ values (2::bigint) $$,
  'the participant reads her own session''s count');

select tests.authenticate_as(:'dave');
select is_empty($$ select trial_id, platform_id from public.decision_trials $$, 'another researcher reads no answers, ids or platform ids');
select is(public.session_main_trials(:'session'), null, 'another researcher gets no count of a session not his');
select is_empty($$ select * from public.study_sessions $$, 'and no session through the view');

select tests.as_anon();
select throws_ok($$ select trial_id from public.decision_trials $$, '42501', null, 'the anon key cannot read them');
select throws_ok(format($$ select public.session_main_trials(%L) $$, :'session'), '42501', null, 'the anon key cannot count a session''s trials');

select tests.as_superuser();
select has_index('public', 'trials', 'trials_created_at_idx', 'trials are found by when they were stored');

select * from finish();
rollback;
