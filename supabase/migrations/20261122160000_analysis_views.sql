-- What the dashboard's participant checks need beside each answer: the session it belongs to
-- and the measured stimulus presentation (duration, frames, refresh). Columns are appended, as
-- `create or replace view` requires; models have no session or display and get nulls.
create or replace view public.decision_trials with (security_invoker = on) as
  select st.id as study_id,
         st.stimulus_set_id as set_id,
         'human:' || p.id::text as observer,
         'human'::text as kind,
         s.image_id,
         i.category,
         s.reveal,
         coalesce(t.response, 'none') as response,
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
         'model:' || r.model_id as observer,
         'model'::text as kind,
         s.image_id,
         i.category,
         s.reveal,
         mr.response,
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

-- Sessions per study for the live overview, one row per session (security_invoker: a researcher
-- sees only their own studies' sessions).
create view public.study_sessions with (security_invoker = on) as
  select se.study_id,
         se.id as session_id,
         'human:' || se.participant_id::text as observer,
         se.platform,
         se.status,
         se.is_test,
         se.started_at,
         se.completed_at,
         (select count(*) from public.trials t where t.session_id = se.id and t.block = 'main') as main_trials
    from public.sessions se;

revoke all on public.study_sessions from anon, authenticated;
grant select on public.study_sessions to authenticated, service_role;
