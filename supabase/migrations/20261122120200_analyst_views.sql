-- Analyst views. security_invoker: the caller's row-level security applies, so a researcher
-- sees only their own studies' trials and their own model runs.

-- One row per answer, humans and models alike, in the analysis module's trial format
-- (observer, kind, image_id, category, reveal, response, rt_ms) plus where it came from.
create view public.decision_trials with (security_invoker = on) as
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
         t.created_at
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
         mr.created_at
    from public.model_results mr
    join public.model_runs r on r.id = mr.run_id
    join public.stimuli s on s.id = mr.stimulus_id
    join public.images i on i.set_id = s.set_id and i.image_id = s.image_id;
comment on view public.decision_trials is 'Trials of people and models in one shape (a model is just another observer).';

-- Per-study progress for the dashboard overview.
create view public.study_progress with (security_invoker = on) as
  select st.id as study_id,
         st.slug,
         count(distinct se.id) as sessions,
         count(distinct se.id) filter (where se.status = 'completed') as completed,
         count(distinct se.id) filter (where se.is_test) as test_sessions,
         count(t.id) as trials
    from public.studies st
    left join public.sessions se on se.study_id = st.id
    left join public.trials t on t.session_id = se.id
   group by st.id, st.slug;

revoke all on public.decision_trials, public.study_progress from anon, authenticated;
grant select on public.decision_trials, public.study_progress to authenticated, service_role;
