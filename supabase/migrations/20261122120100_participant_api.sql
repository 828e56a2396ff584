-- Participant API: the only way an anonymous participant writes anything.
-- Every function is SECURITY DEFINER with an empty search_path, validates every field, and
-- accepts only rows of the caller's own session (sessions.user_id = auth.uid()).
-- Error codes: 22023 bad input (HTTP 400), 42501 not yours (403), PT409 conflict (409),
-- PT404 not found (404); the message always says which field or row and why.

-- Public description of a study for its participant page (no owner, no other sessions).
create function public.get_study(p_slug text) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  select jsonb_build_object(
           'id', st.id, 'slug', st.slug, 'title', st.title, 'description', st.description,
           'status', st.status, 'config', st.config,
           'stimulus_set', jsonb_build_object('id', ss.id, 'slug', ss.slug, 'base_url', ss.base_url,
                                              'levels', to_jsonb(ss.levels)))
    into result
    from public.studies st join public.stimulus_sets ss on ss.id = st.stimulus_set_id
   where st.slug = p_slug;
  if result is null then
    raise exception 'no study with slug "%"', p_slug using errcode = 'PT404';
  end if;
  return result;
end
$$;

-- Start (or resume) a session. Idempotent: calling it again with the same session id by the same
-- user returns the same session with resumed = true. A platform worker who already took part in
-- the study from another session is turned away (PT409, hint already_participated).
create function public.start_session(
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

  -- Resume: same session id, same user.
  select * into v_session from public.sessions where id = p_session_id;
  if found then
    if v_session.user_id <> v_uid then
      raise exception 'session % belongs to someone else', p_session_id using errcode = '42501';
    end if;
    if v_session.study_id <> v_study.id then
      raise exception 'session % belongs to another study', p_session_id using errcode = '22023';
    end if;
    select * into v_participant from public.participants where id = v_session.participant_id;
    return jsonb_build_object('session_id', v_session.id, 'participant_id', v_session.participant_id,
      'latin_row', v_participant.latin_row, 'key_animal', v_session.key_animal,
      'key_non_animal', v_session.key_non_animal, 'order_seed', v_session.order_seed,
      'status', v_session.status, 'completion_code', v_session.completion_code, 'resumed', true);
  end if;

  if v_study.status = 'closed' or (v_study.status = 'draft' and p_platform <> 'local') then
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

  return jsonb_build_object('session_id', v_session.id, 'participant_id', v_participant.id,
    'latin_row', v_participant.latin_row, 'key_animal', v_session.key_animal,
    'key_non_animal', v_session.key_non_animal, 'order_seed', v_session.order_seed,
    'status', v_session.status, 'completion_code', null, 'resumed', false);
end
$$;

-- Validate one trial object; returns null when valid, else the reason. Pure: no table access
-- except the stimulus lookup, so record_trials can report every problem of a batch.
create function public.trial_problem(p_trial jsonb, p_set_id uuid) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  allowed constant text[] := array['id', 'trial_index', 'block', 'stimulus_id', 'response', 'response_key',
    'rt_ms', 'fixation_ms', 'onset_ms', 'offset_ms', 'duration_ms', 'frames', 'refresh_ms', 'data'];
  k text;
  numeric_field text;
begin
  if p_trial is null or jsonb_typeof(p_trial) <> 'object' then
    return 'a trial must be a JSON object';
  end if;
  for k in select jsonb_object_keys(p_trial) loop
    if not k = any (allowed) then
      return format('unknown field "%s" (allowed: %s)', k, array_to_string(allowed, ', '));
    end if;
  end loop;
  if jsonb_typeof(p_trial -> 'id') is distinct from 'string'
     or (p_trial ->> 'id') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return 'id must be a uuid string';
  end if;
  if jsonb_typeof(p_trial -> 'trial_index') is distinct from 'number'
     or (p_trial ->> 'trial_index')::numeric <> floor((p_trial ->> 'trial_index')::numeric)
     or (p_trial ->> 'trial_index')::numeric < 0 or (p_trial ->> 'trial_index')::numeric > 100000 then
    return 'trial_index must be an integer from 0 to 100000';
  end if;
  if coalesce(p_trial ->> 'block', '') not in ('practice', 'main') then
    return format('block must be practice or main (got %s)', coalesce(p_trial -> 'block', 'null'::jsonb));
  end if;
  if jsonb_typeof(p_trial -> 'stimulus_id') is distinct from 'string'
     or (p_trial ->> 'stimulus_id') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return 'stimulus_id must be a uuid string';
  end if;
  if not exists (select 1 from public.stimuli s where s.id = (p_trial ->> 'stimulus_id')::uuid and s.set_id = p_set_id) then
    return format('stimulus_id %s is not a stimulus of this study''s set', p_trial ->> 'stimulus_id');
  end if;
  if jsonb_typeof(p_trial -> 'response') not in ('null') and coalesce(p_trial ->> 'response', '') not in ('animal', 'non_animal') then
    return format('response must be animal, non_animal or null (got %s)', p_trial -> 'response');
  end if;
  if p_trial ? 'response_key' and jsonb_typeof(p_trial -> 'response_key') not in ('string', 'null') then
    return 'response_key must be a string or null';
  end if;
  if length(coalesce(p_trial ->> 'response_key', '')) > 32 then
    return 'response_key is longer than 32 characters';
  end if;
  foreach numeric_field in array array['rt_ms', 'onset_ms', 'offset_ms', 'duration_ms', 'frames', 'refresh_ms'] loop
    if p_trial ? numeric_field and jsonb_typeof(p_trial -> numeric_field) not in ('number', 'null') then
      return format('%s must be a number or null (got %s)', numeric_field, p_trial -> numeric_field);
    end if;
  end loop;
  if jsonb_typeof(p_trial -> 'fixation_ms') is distinct from 'number' then
    return 'fixation_ms must be a number';
  end if;
  if (p_trial ->> 'fixation_ms')::double precision not between 0 and 59999 then
    return format('fixation_ms must be from 0 to 59999 (got %s)', p_trial ->> 'fixation_ms');
  end if;
  if (p_trial ->> 'rt_ms')::double precision not between 0 and 59999 then
    return format('rt_ms must be from 0 to 59999 ms or null (got %s)', p_trial ->> 'rt_ms');
  end if;
  if (p_trial ->> 'response') is null and (p_trial ->> 'rt_ms') is not null then
    return 'rt_ms must be null when response is null';
  end if;
  if (p_trial ->> 'duration_ms')::double precision < 0 then
    return format('duration_ms must not be negative (got %s)', p_trial ->> 'duration_ms');
  end if;
  if (p_trial ->> 'frames')::numeric < 0 or (p_trial ->> 'frames')::numeric <> floor((p_trial ->> 'frames')::numeric) then
    return format('frames must be a non-negative integer (got %s)', p_trial ->> 'frames');
  end if;
  if (p_trial ->> 'refresh_ms')::double precision not between 0.5 and 999 then
    return format('refresh_ms must be from 0.5 to 999 (got %s)', p_trial ->> 'refresh_ms');
  end if;
  if p_trial ? 'data' and jsonb_typeof(p_trial -> 'data') <> 'object' then
    return 'data must be a JSON object';
  end if;
  if length(coalesce(p_trial -> 'data', '{}'::jsonb)::text) > 4000 then
    return 'data is larger than 4000 characters';
  end if;
  return null;
end
$$;

-- Store a batch of trials of the caller's own session. Each trial is handled on its own: a
-- malformed one is rejected with its reason and the valid ones around it are still stored.
-- Returns one entry per input, in order: {"id", "status": stored | duplicate | rejected, "reason"}.
create function public.record_trials(p_session_id uuid, p_trials jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_session public.sessions%rowtype;
  v_set_id uuid;
  v_trial jsonb;
  v_problem text;
  v_existing public.trials%rowtype;
  v_category text;
  v_results jsonb := '[]'::jsonb;
begin
  select * into v_session from public.sessions where id = p_session_id;
  if not found or v_session.user_id is distinct from auth.uid() then
    raise exception 'session % is not yours', p_session_id using errcode = '42501';
  end if;
  if p_trials is null or jsonb_typeof(p_trials) <> 'array' then
    raise exception 'p_trials must be a JSON array of trials' using errcode = '22023';
  end if;
  if jsonb_array_length(p_trials) > 500 then
    raise exception 'at most 500 trials per call (got %)', jsonb_array_length(p_trials) using errcode = '22023';
  end if;
  select st.stimulus_set_id into v_set_id from public.studies st where st.id = v_session.study_id;

  for v_trial in select value from jsonb_array_elements(p_trials) loop
    v_problem := public.trial_problem(v_trial, v_set_id);
    if v_problem is null then
      select * into v_existing from public.trials where id = (v_trial ->> 'id')::uuid;
      if found then
        if v_existing.session_id <> p_session_id then
          v_problem := 'id is already used by another session';
        elsif v_existing.trial_index <> (v_trial ->> 'trial_index')::integer then
          v_problem := format('id was stored before with trial_index %s', v_existing.trial_index);
        else
          v_results := v_results || jsonb_build_object('id', v_trial -> 'id', 'status', 'duplicate', 'reason', null);
          continue;
        end if;
      elsif v_session.status = 'completed' then
        v_problem := 'the session is completed and takes no new trials';
      elsif exists (select 1 from public.trials t where t.session_id = p_session_id
                                                    and t.trial_index = (v_trial ->> 'trial_index')::integer) then
        v_problem := format('trial_index %s is already stored under another id', v_trial ->> 'trial_index');
      end if;
    end if;
    if v_problem is not null then
      v_results := v_results || jsonb_build_object('id', v_trial -> 'id', 'status', 'rejected', 'reason', v_problem);
      continue;
    end if;

    select i.category into v_category
      from public.stimuli s join public.images i on i.set_id = s.set_id and i.image_id = s.image_id
     where s.id = (v_trial ->> 'stimulus_id')::uuid;
    begin
      insert into public.trials (id, session_id, trial_index, block, stimulus_id, response, response_key, correct,
        rt_ms, fixation_ms, onset_ms, offset_ms, duration_ms, frames, refresh_ms, data)
      values ((v_trial ->> 'id')::uuid, p_session_id, (v_trial ->> 'trial_index')::integer, v_trial ->> 'block',
        (v_trial ->> 'stimulus_id')::uuid, v_trial ->> 'response', v_trial ->> 'response_key',
        coalesce((v_trial ->> 'response') = v_category, false),
        (v_trial ->> 'rt_ms')::double precision, (v_trial ->> 'fixation_ms')::double precision,
        (v_trial ->> 'onset_ms')::double precision, (v_trial ->> 'offset_ms')::double precision,
        (v_trial ->> 'duration_ms')::double precision, (v_trial ->> 'frames')::integer,
        (v_trial ->> 'refresh_ms')::double precision, coalesce(v_trial -> 'data', '{}'::jsonb));
      v_results := v_results || jsonb_build_object('id', v_trial -> 'id', 'status', 'stored', 'reason', null);
    exception when others then
      -- Anything the checks above missed (a constraint) still rejects only this trial.
      v_results := v_results || jsonb_build_object('id', v_trial -> 'id', 'status', 'rejected', 'reason', sqlerrm);
    end;
  end loop;
  return v_results;
end
$$;

-- Complete the caller's session and hand out its completion code. Idempotent: a repeated call
-- returns the same code. `trials_saved` is what the server holds, so the code is tied to it.
create function public.complete_session(p_session_id uuid) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_session public.sessions%rowtype;
  v_saved integer;
begin
  select * into v_session from public.sessions where id = p_session_id for update;
  if not found or v_session.user_id is distinct from auth.uid() then
    raise exception 'session % is not yours', p_session_id using errcode = '42501';
  end if;
  select count(*) into v_saved from public.trials where session_id = p_session_id;
  if v_session.status = 'completed' then
    return jsonb_build_object('completion_code', v_session.completion_code, 'trials_saved', v_session.trials_saved);
  end if;
  update public.sessions
     set status = 'completed', completed_at = now(), trials_saved = v_saved,
         completion_code = upper(encode(extensions.gen_random_bytes(5), 'hex'))
   where id = p_session_id
  returning * into v_session;
  return jsonb_build_object('completion_code', v_session.completion_code, 'trials_saved', v_session.trials_saved);
end
$$;

revoke execute on function public.get_study(text), public.trial_problem(jsonb, uuid),
  public.start_session(uuid, text, text, text, text, text, text, text, jsonb, boolean),
  public.record_trials(uuid, jsonb), public.complete_session(uuid) from public;
grant execute on function public.get_study(text) to anon, authenticated, service_role;
grant execute on function public.start_session(uuid, text, text, text, text, text, text, text, jsonb, boolean),
  public.record_trials(uuid, jsonb), public.complete_session(uuid) to authenticated, service_role;
