-- Issue 15: how each session ended, resuming across browsers, and the participants table.
--   * sessions.status is an enum, session_status: started, completed, declined (the person did
--     not consent), turned_away (the browser check refused them: a phone, a window too small;
--     status_reason says which, e.g. 'phone' or 'small window 800x500'). ended_at is when a
--     session was declined or turned away (completed_at stays the completion time);
--   * end_session(session, status, reason): the participant records that their own session was
--     declined or turned away, and gets the study's Prolific screen-out code (Prolific sessions
--     only; studies.config ->> 'prolific_screenout_code', a secret like the completion code). It
--     never sets 'completed' (only complete_session does, once the trials are stored), never
--     touches a completed session, nor anybody else's;
--   * start_session: a declined or turned-away session is not an end. The same person starting
--     again (a reload, another browser, the same platform worker on another device) resumes it,
--     and it is 'started' again: a person who declined can reconsider, a worker turned away on a
--     phone continues on a computer. A worker who completed is still turned away
--     (already_participated), except on a revisit of the same assignment (MTurk assignmentId)
--     or the same Prolific session (SESSION_ID): then the completed session comes back with its
--     code, so the worker can still submit the HIT or return to Prolific. A resumed session
--     keeps the latest browser's client_info. A new participant's Latin-square row counts only
--     participants with a session that is started or completed, so people turned away or who
--     declined leave no gap in the design;
--   * session_assignment also returns trials_saved (set at completion) and, to a completed
--     Prolific session, the study's Prolific completion code (for the redirect on a revisit);
--   * study_participants: one row per session for the researcher's participants table
--     (src/analysis/participants.ts documents each column it shows and exports).

create type public.session_status as enum ('started', 'completed', 'declined', 'turned_away');
comment on type public.session_status is
  'How a session stands: started (in progress), completed (complete_session issued its code), declined (no consent), turned_away (refused by the browser check; status_reason says why).';

-- The column changes type: the views on it are dropped and created again, unchanged (status as
-- text, as before), with their grants.
drop view public.study_sessions;
drop view public.study_progress;
alter table public.sessions drop constraint sessions_status_check;
alter table public.sessions alter column status drop default;
alter table public.sessions alter column status type public.session_status using status::public.session_status;
alter table public.sessions alter column status set default 'started';
alter table public.sessions
  add column status_reason text,
  add column ended_at timestamptz,
  add constraint sessions_status_reason_ended
    check (status_reason is null or (status in ('declined', 'turned_away') and length(status_reason) between 1 and 200));
comment on column public.sessions.status_reason is 'Why a session was declined or turned away (e.g. phone, small window 800x500); null otherwise.';
comment on column public.sessions.ended_at is 'When the session was declined or turned away (completed_at holds the completion).';
-- start_session finds a worker's sessions through their participant row
create index if not exists sessions_participant_id_idx on public.sessions (participant_id);
comment on constraint sessions_status_reason_ended on public.sessions is
  'status_reason (1-200 characters) belongs only to a declined or turned-away session';

create view public.study_sessions with (security_invoker = on) as
  select se.study_id,
         se.id as session_id,
         'human'::text as observer_kind,
         se.participant_id::text as observer_id,
         se.platform,
         se.status::text as status,
         se.is_test,
         se.started_at,
         se.completed_at,
         (select count(*) from public.trials t where t.session_id = se.id and t.block = 'main') as main_trials
    from public.sessions se;

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

-- One row per session, for the study owner's participants table (security_invoker: the caller's
-- row-level security applies; participants rows are readable by the study's owner only, so a
-- participant sees nothing here).
-- study_participants, the owner's participants table (one row per session), is created in
-- 20261130320000_participant_interaction_flags, once the per-trial interaction counts exist.

revoke all on public.study_sessions, public.study_progress from anon, authenticated;
grant select on public.study_sessions, public.study_progress to authenticated, service_role;

-- What start_session returns for a session; a completed one also says how many trials it had
-- and, for a Prolific session, the study's Prolific completion code (the same one
-- complete_session returned), for the redirect.
create or replace function public.session_assignment(p_session public.sessions, p_resumed boolean) returns jsonb
language sql stable security definer set search_path = '' as $$
  select jsonb_build_object('session_id', p_session.id, 'participant_id', p_session.participant_id,
    'latin_row', p.latin_row, 'key_animal', p_session.key_animal, 'key_non_animal', p_session.key_non_animal,
    'order_seed', p_session.order_seed, 'status', p_session.status, 'completion_code', p_session.completion_code,
    'resumed', p_resumed, 'trials_saved', p_session.trials_saved,
    'prolific_completion_code',
      case when p_session.status = 'completed' and p_session.platform = 'prolific'
           then (select st.config ->> 'prolific_completion_code' from public.studies st where st.id = p_session.study_id) end)
    from public.participants p where p.id = p_session.participant_id
$$;

-- A resumed session that was declined or turned away is in progress again.
create function public.resume_session(p_session_id uuid, p_uid uuid, p_client_info jsonb) returns public.sessions
language sql volatile security definer set search_path = '' as $$
  update public.sessions
     set user_id = p_uid,
         status = case when status = 'completed' then status else 'started'::public.session_status end,
         status_reason = case when status = 'completed' then status_reason end,
         ended_at = case when status = 'completed' then ended_at end,
         client_info = case when p_client_info = '{}'::jsonb then client_info else p_client_info end
   where id = p_session_id
  returning *
$$;
revoke execute on function public.resume_session(uuid, uuid, jsonb) from public, anon, authenticated;

-- start_session (resume of declined and turned-away sessions, a completed worker's revisit, Latin
-- rows of started and completed sessions) is defined once, with this wave's other changes, in
-- 20261130210000_start_session_merged.

-- The participant records that their own session ended without completion: declined (no
-- consent) or turned_away (with the reason). Returns the status as stored and, for a Prolific
-- session, the study's screen-out code (null when the study has none).
create function public.end_session(p_session_id uuid, p_status text, p_reason text default null) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_session public.sessions%rowtype;
  v_code text;
begin
  if p_status is null or p_status not in ('declined', 'turned_away') then
    raise exception 'p_status must be declined or turned_away (got "%"); a session is completed only by complete_session', p_status
      using errcode = '22023';
  end if;
  if p_status = 'turned_away' and p_reason is null then
    raise exception 'p_reason is required for turned_away (e.g. phone, small window 800x500)' using errcode = '22023';
  end if;
  if p_reason is not null and length(p_reason) not between 1 and 200 then
    raise exception 'p_reason must be 1-200 characters (got %)', length(p_reason) using errcode = '22023';
  end if;
  select * into v_session from public.sessions where id = p_session_id for update;
  if not found or v_session.user_id is distinct from auth.uid() then
    raise exception 'session % is not yours', p_session_id using errcode = '42501';
  end if;
  if v_session.status = 'completed' then
    raise exception 'session % is completed: it cannot be marked %', p_session_id, p_status
      using errcode = 'PT409', hint = 'already_completed';
  end if;
  update public.sessions
     set status = p_status::public.session_status, status_reason = p_reason, ended_at = now()
   where id = p_session_id
  returning * into v_session;
  if v_session.platform = 'prolific' then
    select st.config ->> 'prolific_screenout_code' into v_code from public.studies st where st.id = v_session.study_id;
  end if;
  return jsonb_build_object('status', v_session.status, 'status_reason', v_session.status_reason, 'screenout_code', v_code);
end
$$;
revoke execute on function public.end_session(uuid, text, text) from public, anon;
grant execute on function public.end_session(uuid, text, text) to authenticated, service_role;

-- prolific_screenout_code is a secret like prolific_completion_code: participant_config (a list
-- of the keys a participant may read) leaves it out, and only end_session hands it out.
comment on function public.end_session(uuid, text, text) is
  'A participant marks their own, unfinished session declined or turned away; returns the Prolific screen-out code to Prolific sessions.';
