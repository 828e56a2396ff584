-- Issue 15: start_session with this wave's changes, defined once:
--   * 20261130100000_study_settings: a hidden study answers like an unknown slug; a new
--     participant of a study that is not open gets the sentence of study_not_open_reason;
--   * 20261130200000_session_outcomes: a declined or turned-away session is resumed as started
--     (resume_session), a completed worker's revisit of the same assignment or Prolific session
--     gets its code back, and Latin-square rows count started and completed sessions only.
-- Grants are kept by "create or replace".

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

  select * into v_study from public.studies where slug = p_study_slug and hidden_at is null for update;
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
    end if;
    if v_session.status <> 'completed' then
      v_session := public.resume_session(v_session.id, v_uid, p_client_info);
    end if;
    return public.session_assignment(v_session, true);
  end if;

  -- 2. The same person's earlier session in this study, under another session id.
  if p_platform = 'local' then
    select se.* into v_session from public.sessions se
     where se.study_id = v_study.id and se.user_id = v_uid and se.platform = 'local' and se.status <> 'completed'
     order by se.started_at desc limit 1;
  else
    select se.* into v_session from public.sessions se
      join public.participants p on p.id = se.participant_id
     where p.study_id = v_study.id and p.platform = p_platform and p.worker_id = p_worker_id
     order by (se.status = 'completed') desc, se.started_at desc limit 1;
    if found and v_session.status = 'completed' then
      -- A revisit of the same assignment (MTurk) or Prolific session gets its code back.
      if (p_platform = 'mturk' and p_assignment_id is not null and p_assignment_id = v_session.assignment_id)
         or (p_platform = 'prolific' and p_platform_session_id is not null and p_platform_session_id = v_session.platform_session_id) then
        return public.session_assignment(v_session, true);
      end if;
      raise exception 'worker % already took part in study "%"', p_worker_id, v_study.slug
        using errcode = 'PT409', hint = 'already_participated';
    end if;
  end if;
  if found then
    -- The worker's current assignment (MTurk) or session (Prolific) replaces the one stored.
    update public.sessions
       set assignment_id = coalesce(p_assignment_id, assignment_id), hit_id = coalesce(p_hit_id, hit_id),
           platform_study_id = coalesce(p_platform_study_id, platform_study_id),
           platform_session_id = coalesce(p_platform_session_id, platform_session_id)
     where id = v_session.id;
    v_session := public.resume_session(v_session.id, v_uid, p_client_info);
    return public.session_assignment(v_session, true);
  end if;

  -- 3. A new participant.
  if not public.study_accepts(v_study, p_platform) then
    raise exception '%', public.study_not_open_reason(v_study, p_platform)
      using errcode = 'PT409', hint = 'study_not_open';
  end if;
  if p_platform <> 'local' and exists (
       select 1 from public.participants
        where study_id = v_study.id and platform = p_platform and worker_id = p_worker_id) then
    raise exception 'worker % already took part in study "%"', p_worker_id, v_study.slug
      using errcode = 'PT409', hint = 'already_participated';
  end if;

  -- The next Latin-square row (the study row is locked above): participants with a session that
  -- is started or completed, so those who declined or were turned away leave no gap.
  select count(distinct se.participant_id) into v_row from public.sessions se
   where se.study_id = v_study.id and se.status in ('started', 'completed');
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

