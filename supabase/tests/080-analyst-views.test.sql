-- The analyst views (decision_trials, study_sessions): the study's owner reads her people's and
-- her models' answers with the measured display, nobody else reads anything.
begin;
select plan(11);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_user() as participant \gset
select tests.create_study(:'alice', 'views-study') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
select gen_random_uuid() as session, gen_random_uuid() as run \gset

-- fixtures written as the database owner, as the API functions would
insert into public.participants (id, study_id, platform, latin_row) values (gen_random_uuid(), :'study', 'local', 0);
insert into public.sessions (id, study_id, participant_id, user_id, platform, key_animal, key_non_animal, order_seed, is_test)
select :'session', :'study', p.id, :'participant', 'local', 'f', 'j', 1, false from public.participants p where p.study_id = :'study';
insert into public.trials (id, session_id, trial_index, block, stimulus_id, response, correct, rt_ms, fixation_ms, duration_ms, frames, refresh_ms)
values (gen_random_uuid(), :'session', 0, 'main', tests.stimulus(:'study', 'cat', 1), 'animal', true, 412.5, 1300, 400.2, 24, 16.68),
       (gen_random_uuid(), :'session', 1, 'practice', tests.stimulus(:'study', 'car', 0), null, false, null, 1200, 399.9, 24, 16.68);
insert into public.models (id, name, family) values ('view-net', 'View net', 'CNN');
insert into public.model_runs (id, model_id, stimulus_set_id, study_id, backend, started_by) values (:'run', 'view-net', :'set_id', :'study', 'cpu', :'alice');
insert into public.model_results (id, run_id, stimulus_id, response, p_animal, top5)
values (gen_random_uuid(), :'run', tests.stimulus(:'study', 'car', 1), 'animal', 0.7, '[]');

select tests.authenticate_as(:'alice');
-- no answer is null in the view (it read 'none' before; the trial CSV alone writes that text),
-- and `correct` is what the database stored (the model's by its trigger: car is non_animal)
select results_eq(format($$ select observer_kind, image_id, reveal, response, correct, rt_ms, block, duration_ms, frames, session_id from public.decision_trials where study_id = %L order by observer_kind, block $$, :'study'),
  format($$ values ('human'::text, 'cat'::text, 1.0::float8, 'animal'::text, true, 412.5::float8, 'main'::text, 400.2::float8, 24, %L::uuid),
                   ('human', 'car', 0.1, null, false, null, 'practice', 399.9, 24, %L::uuid),
                   ('model', 'car', 1.0, 'animal', false, null, 'main', null, null, null) $$, :'session', :'session'),
  'the owner reads her people''s answers with the measured display, and her model''s answers');
select results_eq(format($$ select observer_kind, observer_id from public.decision_trials where study_id = %L order by observer_kind, block $$, :'study'),
  format($$ values ('human'::text, %L::text), ('human', %L), ('model', 'view-net') $$,
    (select participant_id::text from public.sessions where id = :'session'), (select participant_id::text from public.sessions where id = :'session')),
  'the observer comes in parts: kind, and the participant''s or the model''s id');
select results_eq(format($$ select status, is_test, main_trials from public.study_sessions where study_id = %L $$, :'study'),
  $$ values ('started'::text, false, 1::bigint) $$,
  'the owner reads her study''s sessions with their main-trial counts');
select results_eq(format($$ select observer_kind, observer_id from public.study_sessions where study_id = %L $$, :'study'),
  format($$ select distinct observer_kind, observer_id from public.decision_trials where session_id = %L $$, :'session'),
  'a session''s observer is the one its answers carry');
select hasnt_column('public', 'decision_trials', 'observer', 'no glued observer text in the view (src/stimuli/observer.ts formats it)');

select tests.authenticate_as(:'bob');
select is_empty($$ select * from public.decision_trials $$, 'another researcher reads no answers');
select is_empty($$ select * from public.study_sessions $$, 'another researcher reads no sessions');

select tests.create_user() as stranger \gset
select tests.authenticate_as(:'participant');
select results_eq($$ select session_id from public.study_sessions $$, format($$ values (%L::uuid) $$, :'session'),
  'a participant reads only her own session through the view');
select tests.authenticate_as(:'stranger');
select is_empty($$ select * from public.study_sessions $$, 'another participant reads none');

select tests.as_anon();
select throws_ok($$ select * from public.decision_trials $$, '42501', null, 'the anon key cannot read answers');
select throws_ok($$ select * from public.study_sessions $$, '42501', null, 'the anon key cannot read sessions');

select * from finish();
rollback;
