-- Issue 13, finding 3: a lost start_session answer no longer locks a worker out.
-- start_session is idempotent per person, not only per session id:
--   * the same session id resumes that session (as before). A different signed-in user may take
--     it over only when it is the same platform worker's session and it is not completed (a new
--     browser, cleared storage or a refused refresh token gives a new anonymous user; on MTurk
--     and Prolific the worker id, not the browser, is the person);
--   * a new session id from a platform worker (mturk, prolific) who already has a session in the
--     study resumes that session, re-bound to the caller, unless it is completed: a worker who
--     completed the study is turned away (PT409, hint already_participated);
--   * a new session id from the same anonymous user in local mode resumes their session that is
--     not completed yet (a completed local try-out starts afresh).
-- A resumed session comes back with resumed = true and its own session_id, which may differ from
-- the id the caller sent: the client goes on with the returned id.
-- The study row is locked for the whole call, so two starts of one worker never both create one.

-- What start_session returns for a session.
create function public.session_assignment(p_session public.sessions, p_resumed boolean) returns jsonb
language sql stable security definer set search_path = '' as $$
  select jsonb_build_object('session_id', p_session.id, 'participant_id', p_session.participant_id,
    'latin_row', p.latin_row, 'key_animal', p_session.key_animal, 'key_non_animal', p_session.key_non_animal,
    'order_seed', p_session.order_seed, 'status', p_session.status, 'completion_code', p_session.completion_code,
    'resumed', p_resumed)
    from public.participants p where p.id = p_session.participant_id
$$;

-- Whether a study takes a new session on this platform from the caller (closed: no; draft: only
-- platform local; live: yes).
create function public.study_accepts(p_study public.studies, p_platform text) returns boolean
language sql stable security definer set search_path = '' as $$
  select p_study.status = 'live' or (p_study.status = 'draft' and p_platform = 'local')
$$;

revoke execute on function public.session_assignment(public.sessions, boolean), public.study_accepts(public.studies, text)
  from public, anon, authenticated;

create or replace function public.start_session(
  p_session_id uuid,
  p_study_slug text,
  p_platform text,
  p_worker_id text default null,
  p_assignment_id text default null,
  p_hit_id text default null,
  p_platform_study_id text default null,
  p_platform_session_id text default null,
  p_client_info jsonb default '{}'::jsonb,
  p_is_test boolean default false
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := auth.uid();
  v_study public.studies%rowtype;
  v_session public.sessions%rowtype;
  v_participant public.participants%rowtype;
  v_keys jsonb;
  v_row integer;
begin
  if v_uid is null then
    raise exception 'sign in (anonymously) before starting a session' using errcode = '42501';
  end if;
  if p_session_id is null then
    raise exception 'p_session_id is required (a client-generated uuid)' using errcode = '22023';
  end if;
  if p_platform is null or p_platform not in ('mturk', 'prolific', 'local') then
    raise exception 'p_platform must be one of mturk, prolific, local (got "%")', p_platform using errcode = '22023';
  end if;
  if p_platform = 'local' and p_worker_id is not null then
    raise exception 'p_worker_id must be empty for platform local' using errcode = '22023';
  end if;
  if p_platform <> 'local' and (p_worker_id is null or p_worker_id !~ '^[A-Za-z0-9_-]{1,64}$') then
    raise exception 'p_worker_id must be 1-64 letters, digits, _ or - for platform % (got "%")', p_platform, p_worker_id
      using errcode = '22023';
  end if;
  if p_client_info is null or jsonb_typeof(p_client_info) <> 'object' then
    raise exception 'p_client_info must be a JSON object' using errcode = '22023';
  end if;
  if length(p_client_info::text) > 10000 then
    raise exception 'p_client_info is larger than 10000 characters' using errcode = '22023';
  end if;
  if coalesce(length(p_assignment_id), 0) > 128 or coalesce(length(p_hit_id), 0) > 128
     or coalesce(length(p_platform_study_id), 0) > 128 or coalesce(length(p_platform_session_id), 0) > 128 then
    raise exception 'platform ids must be at most 128 characters' using errcode = '22023';
  end if;

  select * into v_study from public.studies where slug = p_study_slug for update;
  if not found then
    raise exception 'no study with slug "%"', p_study_slug using errcode = 'PT404';
  end if;

  -- 1. This session id: resume it; another user takes it over only as the same, unfinished worker.
  select * into v_session from public.sessions where id = p_session_id;
  if found then
    if v_session.study_id <> v_study.id then
      raise exception 'session % belongs to another study', p_session_id using errcode = '22023';
    end if;
    if v_session.user_id <> v_uid then
      select * into v_participant from public.participants where id = v_session.participant_id;
      if p_platform = 'local' or v_participant.platform is distinct from p_platform
         or v_participant.worker_id is distinct from p_worker_id or v_session.status = 'completed' then
        raise exception 'session % belongs to someone else', p_session_id using errcode = '42501';
      end if;
      update public.sessions set user_id = v_uid where id = v_session.id returning * into v_session;
    end if;
    return public.session_assignment(v_session, true);
  end if;

  -- 2. The same person's earlier session in this study, under another session id.
  if p_platform = 'local' then
    select se.* into v_session from public.sessions se
     where se.study_id = v_study.id and se.user_id = v_uid and se.platform = 'local' and se.status = 'started'
     order by se.started_at desc limit 1;
  else
    select se.* into v_session from public.sessions se
      join public.participants p on p.id = se.participant_id
     where p.study_id = v_study.id and p.platform = p_platform and p.worker_id = p_worker_id
     order by (se.status = 'completed') desc, se.started_at desc limit 1;
    if found and v_session.status = 'completed' then
      raise exception 'worker % already took part in study "%"', p_worker_id, v_study.slug
        using errcode = 'PT409', hint = 'already_participated';
    end if;
  end if;
  if found then
    -- The worker's current assignment (MTurk) or session (Prolific) replaces the one stored.
    update public.sessions
       set user_id = v_uid,
           assignment_id = coalesce(p_assignment_id, assignment_id), hit_id = coalesce(p_hit_id, hit_id),
           platform_study_id = coalesce(p_platform_study_id, platform_study_id),
           platform_session_id = coalesce(p_platform_session_id, platform_session_id)
     where id = v_session.id
    returning * into v_session;
    return public.session_assignment(v_session, true);
  end if;

  -- 3. A new participant.
  if not public.study_accepts(v_study, p_platform) then
    raise exception 'study "%" is % and does not accept % participants', v_study.slug, v_study.status, p_platform
      using errcode = 'PT409', hint = 'study_not_open';
  end if;
  if p_platform <> 'local' and exists (
       select 1 from public.participants
        where study_id = v_study.id and platform = p_platform and worker_id = p_worker_id) then
    raise exception 'worker % already took part in study "%"', p_worker_id, v_study.slug
      using errcode = 'PT409', hint = 'already_participated';
  end if;

  -- Participant j of the study gets Latin-square row j (the study row is locked above).
  select count(*) into v_row from public.participants where study_id = v_study.id;
  insert into public.participants (study_id, platform, worker_id, latin_row)
  values (v_study.id, p_platform, p_worker_id, v_row)
  returning * into v_participant;

  -- Keys are counterbalanced: even rows answer "animal" with the first key.
  v_keys := coalesce(v_study.config -> 'keys', '["s", "l"]'::jsonb);
  insert into public.sessions (id, study_id, participant_id, user_id, platform, assignment_id, hit_id,
    platform_study_id, platform_session_id, key_animal, key_non_animal, order_seed, client_info, is_test)
  values (p_session_id, v_study.id, v_participant.id, v_uid, p_platform, p_assignment_id, p_hit_id,
    p_platform_study_id, p_platform_session_id,
    v_keys ->> (v_row % 2), v_keys ->> ((v_row + 1) % 2),
    floor(random() * 2147483647)::bigint, p_client_info, coalesce(p_is_test, false))
  returning * into v_session;

  return public.session_assignment(v_session, false);
end
$$;
