-- Issue 17 (item 11): the live refresh reads a study's sessions every 10 s, and study_sessions
-- counted each session's main trials through the trials' row-level security, checked on every
-- trial (owns_session or owns_study(study_of_session)): 200 people x 200 trials cost about 2 s
-- per read on PGlite, most of the refresh (npm run bench:refresh). The count now checks once per
-- session, in a SECURITY DEFINER function that answers only the session's participant or the
-- study's owner (null for anyone else), so the view returns what it did, in the same columns.
create function public.session_main_trials(p_session_id uuid) returns bigint
language plpgsql stable security definer set search_path = '' as $$
begin
  if not (public.owns_session(p_session_id) or public.owns_study(public.study_of_session(p_session_id))) then
    return null;
  end if;
  return (select count(*) from public.trials t where t.session_id = p_session_id and t.block = 'main');
end $$;
comment on function public.session_main_trials(uuid) is
  'Main trials stored for a session, for its participant or its study''s owner (null for anyone else): study_sessions.main_trials.';
revoke all on function public.session_main_trials(uuid) from public, anon;
grant execute on function public.session_main_trials(uuid) to authenticated, service_role;

create or replace view public.study_sessions with (security_invoker = on) as
  select se.study_id,
         se.id as session_id,
         'human'::text as observer_kind,
         se.participant_id::text as observer_id,
         se.platform,
         se.status::text as status,
         se.is_test,
         se.started_at,
         se.completed_at,
         public.session_main_trials(se.id) as main_trials
    from public.sessions se;
