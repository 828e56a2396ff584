-- The analyst views return the observer in parts (src/stimuli/observer.ts is the one formatter of
-- its text form `[test:]<kind>:<id>`; SQL no longer glues `human:` / `model:` onto ids):
--   observer_kind  'human' or 'model'
--   observer_id    the participant's uuid, or the model's registry id
--   is_test        (as before) made by an automated test
-- `response` is null for no answer (the trial CSV alone writes it as `none`), and `correct` is
-- the database's own verdict, stored where the answer is (trials.correct by record_trials,
-- model_results.correct by its trigger): the authority for stored answers. A contract test
-- (src/standin/decision-trials.test.ts) checks it against src/stimuli/task.ts's isCorrect.
-- Views change columns, so they are dropped and created again, with their grants.
drop view public.decision_trials;
drop view public.study_sessions;

create view public.decision_trials with (security_invoker = on) as
  select st.id as study_id,
         st.stimulus_set_id as set_id,
         'human'::text as observer_kind,
         p.id::text as observer_id,
         s.image_id,
         i.category,
         s.reveal,
         t.response,
         t.correct,
         t.rt_ms,
         t.block,
         se.is_test,
         t.created_at,
         t.session_id,
         t.duration_ms,
         t.frames,
         t.refresh_ms
    from public.trials t
    join public.sessions se on se.id = t.session_id
    join public.participants p on p.id = se.participant_id
    join public.studies st on st.id = se.study_id
    join public.stimuli s on s.id = t.stimulus_id
    join public.images i on i.set_id = s.set_id and i.image_id = s.image_id
  union all
  select r.study_id,
         r.stimulus_set_id as set_id,
         'model'::text as observer_kind,
         r.model_id as observer_id,
         s.image_id,
         i.category,
         s.reveal,
         mr.response,
         mr.correct,
         null::double precision as rt_ms,
         'main'::text as block,
         r.is_test,
         mr.created_at,
         null::uuid as session_id,
         null::double precision as duration_ms,
         null::integer as frames,
         null::double precision as refresh_ms
    from public.model_results mr
    join public.model_runs r on r.id = mr.run_id
    join public.stimuli s on s.id = mr.stimulus_id
    join public.images i on i.set_id = s.set_id and i.image_id = s.image_id;
comment on view public.decision_trials is
  'Answers of people and models in one shape (a model is just another observer): the observer as kind and id, response null for no answer, correct as stored.';

-- Sessions per study for the live overview, one row per session (security_invoker: a researcher
-- sees only their own studies' sessions, a participant only her own).
create view public.study_sessions with (security_invoker = on) as
  select se.study_id,
         se.id as session_id,
         'human'::text as observer_kind,
         se.participant_id::text as observer_id,
         se.platform,
         se.status,
         se.is_test,
         se.started_at,
         se.completed_at,
         (select count(*) from public.trials t where t.session_id = se.id and t.block = 'main') as main_trials
    from public.sessions se;

revoke all on public.decision_trials, public.study_sessions from anon, authenticated;
grant select on public.decision_trials, public.study_sessions to authenticated, service_role;
