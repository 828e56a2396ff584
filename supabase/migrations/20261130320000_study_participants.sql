-- Issue 15 (items 4 and 9): the owner's participants table, one row per session: platform ids,
-- status and why (20261130200000_session_outcomes), times, trials stored now, completion code,
-- browser, and the interaction flags - how often the window lost focus and how often the
-- participant left fullscreen during trials (the per-trial counts of
-- 20261130300000_trial_interaction_counts, summed over the session) - and the screen
-- calibration's pixels per degree when the study asked for one (20261130300100). Security
-- invoker: the sessions' and trials' policies decide, so only the study's owner reads its rows.
create view public.study_participants with (security_invoker = on) as
  select se.study_id,
         se.id as session_id,
         se.participant_id,
         se.platform,
         p.worker_id,
         se.assignment_id,
         se.hit_id,
         se.platform_study_id,
         se.platform_session_id,
         se.status::text as status,
         se.status_reason,
         se.is_test,
         se.started_at,
         coalesce(se.completed_at, se.ended_at) as ended_at,
         (select count(*)::integer from public.trials t where t.session_id = se.id) as trials_saved,
         (select count(*)::integer from public.trials t where t.session_id = se.id and t.block = 'main') as main_trials,
         se.completion_code,
         se.client_info,
         (select coalesce(sum(t.window_blurs), 0)::integer from public.trials t where t.session_id = se.id) as window_blurs,
         (select coalesce(sum(t.fullscreen_exits), 0)::integer from public.trials t where t.session_id = se.id) as fullscreen_exits,
         se.px_per_degree
    from public.sessions se
    join public.participants p on p.id = se.participant_id;
comment on view public.study_participants is
  'One row per session for the participants table: platform ids, status and why, times, trials stored now, completion code, browser, interaction flags, calibration.';
revoke all on public.study_participants from anon, authenticated;
grant select on public.study_participants to authenticated, service_role;
