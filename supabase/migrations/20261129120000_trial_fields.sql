-- The trial's facts, each in one place (issue 12):
--  * bounds live only in the named check constraints of public.trials, each with a comment that
--    is the sentence a participant's client gets back when a trial breaks it;
--  * public.trial_fields() lists the fields record_trials accepts, derived from the table's
--    columns (every column the server does not set), with their kind and nullability; the
--    TypeScript list (src/data/trial-fields.ts) is checked against it by a contract test;
--  * trial_problem checks only what a constraint cannot say (unknown field, JSON type, a uuid,
--    the stimulus belongs to the study's set, no reaction time without an answer), and
--    record_trials turns a constraint violation into that constraint's sentence;
--  * is_uuid and item_outcome replace the copies in the participant and ClickMe APIs.
-- Where the old checks in trial_problem disagreed with the table, the table wins: refresh_ms
-- is accepted over 0 and under 1000 ms (was 0.5 to 999), fixation_ms and rt_ms under 60000 ms
-- (were up to 59999). Bounds the table lacked move into it unchanged (trial_index at most
-- 100000, response_key at most 32 characters, data at most 4000 characters); no stored trial can
-- break them, since trial_problem refused such trials before.

-- ---------------------------------------------------------------------------------------------
-- Small helpers shared by the participant and ClickMe APIs
-- ---------------------------------------------------------------------------------------------

-- Whether a text is a uuid in its canonical 8-4-4-4-12 hex form (false for null).
create function public.is_uuid(p_value text) returns boolean
language sql immutable set search_path = '' as $$
  select coalesce(p_value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', false)
$$;

-- What a batch API says about one item: {"id", "status": stored | duplicate | rejected, "reason"}.
create function public.item_outcome(p_id jsonb, p_status text, p_reason text) returns jsonb
language sql immutable set search_path = '' as $$
  select jsonb_build_object('id', p_id, 'status', p_status, 'reason', p_reason)
$$;

-- ---------------------------------------------------------------------------------------------
-- The trials table's bounds: named constraints, each with its sentence
-- ---------------------------------------------------------------------------------------------
alter table public.trials
  drop constraint trials_trial_index_check,
  drop constraint trials_block_check,
  drop constraint trials_response_check,
  drop constraint trials_rt_ms_check,
  drop constraint trials_fixation_ms_check,
  drop constraint trials_duration_ms_check,
  drop constraint trials_frames_check,
  drop constraint trials_refresh_ms_check,
  drop constraint trials_data_check,
  add constraint trials_trial_index_range check (trial_index between 0 and 100000),
  add constraint trials_block_known check (block in ('practice', 'main')),
  add constraint trials_response_category check (response in ('animal', 'non_animal')),
  add constraint trials_response_key_length check (length(response_key) <= 32),
  add constraint trials_rt_ms_range check (rt_ms >= 0 and rt_ms < 60000),
  add constraint trials_fixation_ms_range check (fixation_ms >= 0 and fixation_ms < 60000),
  add constraint trials_duration_ms_not_negative check (duration_ms >= 0),
  add constraint trials_frames_not_negative check (frames >= 0),
  add constraint trials_refresh_ms_range check (refresh_ms > 0 and refresh_ms < 1000),
  add constraint trials_data_object check (jsonb_typeof(data) = 'object'),
  add constraint trials_data_size check (length(data::text) <= 4000);

comment on constraint trials_trial_index_range on public.trials is 'trial_index must be from 0 to 100000';
comment on constraint trials_block_known on public.trials is 'block must be practice or main';
comment on constraint trials_response_category on public.trials is 'response must be animal, non_animal or null';
comment on constraint trials_response_key_length on public.trials is 'response_key must be at most 32 characters';
comment on constraint trials_rt_ms_range on public.trials is 'rt_ms must be at least 0 and under 60000 ms, or null';
comment on constraint trials_fixation_ms_range on public.trials is 'fixation_ms must be at least 0 and under 60000 ms';
comment on constraint trials_duration_ms_not_negative on public.trials is 'duration_ms must not be negative';
comment on constraint trials_frames_not_negative on public.trials is 'frames must not be negative';
comment on constraint trials_refresh_ms_range on public.trials is 'refresh_ms must be over 0 and under 1000 ms';
comment on constraint trials_data_object on public.trials is 'data must be a JSON object';
comment on constraint trials_data_size on public.trials is 'data must be at most 4000 characters as JSON';
-- Caught by record_trials' own checks first; these sentences serve two requests racing.
comment on constraint trials_pkey on public.trials is 'id is already stored';
comment on constraint trials_session_id_trial_index_key on public.trials is 'trial_index is already stored under another id';
comment on constraint trials_stimulus_id_fkey on public.trials is 'stimulus_id is not a stimulus';

-- ---------------------------------------------------------------------------------------------
-- The accepted fields, derived from the table
-- ---------------------------------------------------------------------------------------------

-- The fields record_trials accepts, in column order: every column of public.trials except those
-- record_trials sets itself (session_id, correct, created_at). kind is the JSON kind of the
-- column's type; optional: the client may leave it out (null, or the column's default).
create function public.trial_fields()
returns table (ordinal integer, name text, kind text, nullable boolean, optional boolean)
language sql stable set search_path = '' as $$
  select (row_number() over (order by a.attnum))::integer,
         a.attname::text,
         case a.atttypid
           when 'uuid'::regtype then 'uuid'
           when 'integer'::regtype then 'int'
           when 'double precision'::regtype then 'float'
           when 'text'::regtype then 'string'
           when 'boolean'::regtype then 'bool'
           when 'jsonb'::regtype then 'json'
           when 'timestamp with time zone'::regtype then 'timestamp'
         end,
         not a.attnotnull,
         not a.attnotnull or a.atthasdef
    from pg_catalog.pg_attribute a
   where a.attrelid = 'public.trials'::regclass and a.attnum > 0 and not a.attisdropped
     and a.attname not in ('session_id', 'correct', 'created_at')
   order by a.attnum
$$;

-- The sentence for a trial that broke a rule of public.trials: the constraint's comment, with the
-- offending value when it is short; a not-null violation names its column.
create function public.trial_violation(p_constraint text, p_column text, p_trial jsonb) returns text
language plpgsql stable set search_path = '' as $$
declare
  v_sentence text;
  v_field text;
begin
  select pg_catalog.obj_description(c.oid, 'pg_constraint'),
         case when cardinality(c.conkey) = 1 then
           (select a.attname::text from pg_catalog.pg_attribute a where a.attrelid = c.conrelid and a.attnum = c.conkey[1])
         end
    into v_sentence, v_field
    from pg_catalog.pg_constraint c
   where c.conrelid = 'public.trials'::regclass and c.conname = p_constraint;
  if v_sentence is null and coalesce(p_column, '') <> '' then
    return format('%s must not be null', p_column);
  end if;
  if v_sentence is null then
    return format('the trial breaks the rule %s of the trials table', coalesce(nullif(p_constraint, ''), '(unnamed)'));
  end if;
  if p_trial ? v_field and length((p_trial -> v_field)::text) <= 64 then
    v_sentence := v_sentence || format(' (got %s)', p_trial -> v_field);
  end if;
  return v_sentence;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- The participant API, on the above
-- ---------------------------------------------------------------------------------------------

-- Validate what the table's constraints cannot: one trial object's shape and JSON types (from
-- trial_fields()), its stimulus, and no reaction time without an answer. Returns null when it
-- may be inserted, else the reason. Bounds are left to the table (see record_trials).
create or replace function public.trial_problem(p_trial jsonb, p_set_id uuid) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  v_field record;
  v_value jsonb;
  v_allowed text[];
  v_key text;
  v_kind_ok boolean;
begin
  if p_trial is null or jsonb_typeof(p_trial) <> 'object' then
    return 'a trial must be a JSON object';
  end if;
  select array_agg(f.name order by f.ordinal) into v_allowed from public.trial_fields() f;
  for v_key in select jsonb_object_keys(p_trial) loop
    if not v_key = any (v_allowed) then
      return format('unknown field "%s" (allowed: %s)', v_key, array_to_string(v_allowed, ', '));
    end if;
  end loop;
  for v_field in select * from public.trial_fields() f order by f.ordinal loop
    v_value := p_trial -> v_field.name;
    if v_value is null then
      if not v_field.optional then
        return format('%s is required', v_field.name);
      end if;
      continue;
    end if;
    if jsonb_typeof(v_value) = 'null' then
      if not v_field.nullable then
        return format('%s must not be null', v_field.name);
      end if;
      continue;
    end if;
    v_kind_ok := case v_field.kind
      when 'uuid' then jsonb_typeof(v_value) = 'string' and public.is_uuid(v_value #>> '{}')
      when 'int' then jsonb_typeof(v_value) = 'number' and v_value::text::numeric = trunc(v_value::text::numeric)
      when 'float' then jsonb_typeof(v_value) = 'number'
      when 'string' then jsonb_typeof(v_value) = 'string'
      when 'bool' then jsonb_typeof(v_value) = 'boolean'
      else true
    end;
    if not v_kind_ok then
      return format('%s must be %s%s (got %s)', v_field.name,
        case v_field.kind when 'uuid' then 'a uuid string' when 'int' then 'an integer' when 'float' then 'a number'
                          when 'string' then 'a string' when 'bool' then 'true or false' else 'JSON' end,
        case when v_field.nullable then ' or null' else '' end, v_value);
    end if;
    if v_field.kind = 'int' and abs(v_value::text::numeric) > 2147483647 then
      return format('%s is too large (got %s)', v_field.name, v_value);
    end if;
  end loop;
  if not exists (select 1 from public.stimuli s where s.id = (p_trial ->> 'stimulus_id')::uuid and s.set_id = p_set_id) then
    return format('stimulus_id %s is not a stimulus of this study''s set', p_trial ->> 'stimulus_id');
  end if;
  if (p_trial ->> 'response') is null and (p_trial ->> 'rt_ms') is not null then
    return 'rt_ms must be null when response is null';
  end if;
  return null;
end
$$;

-- Store a batch of trials of the caller's own session. Each trial is handled on its own: a
-- malformed one is rejected with its reason and the valid ones around it are still stored.
-- Returns one entry per input, in order: {"id", "status": stored | duplicate | rejected, "reason"}.
-- The trial's fields go into their columns by name; a broken bound of the table rejects the
-- trial with the constraint's sentence (trial_violation). `correct` is decided here, once:
-- the answer equals the image's category, and no answer is wrong (src/stimuli/task.ts).
create or replace function public.record_trials(p_session_id uuid, p_trials jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_session public.sessions%rowtype;
  v_set_id uuid;
  v_trial jsonb;
  v_problem text;
  v_existing public.trials%rowtype;
  v_category text;
  v_columns text;
  v_constraint text;
  v_column text;
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
          v_results := v_results || public.item_outcome(v_trial -> 'id', 'duplicate', null);
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
      v_results := v_results || public.item_outcome(v_trial -> 'id', 'rejected', v_problem);
      continue;
    end if;

    select i.category into v_category
      from public.stimuli s join public.images i on i.set_id = s.set_id and i.image_id = s.image_id
     where s.id = (v_trial ->> 'stimulus_id')::uuid;
    -- The keys were checked against trial_fields(): each names a column. Left-out ones get the
    -- column's default.
    select string_agg(quote_ident(k), ', ') into v_columns from jsonb_object_keys(v_trial) k;
    begin
      execute format('insert into public.trials (session_id, correct, %1$s) select $2, $3, %1$s from jsonb_populate_record(null::public.trials, $1)',
                     v_columns)
        using v_trial, p_session_id, coalesce((v_trial ->> 'response') = v_category, false);
      v_results := v_results || public.item_outcome(v_trial -> 'id', 'stored', null);
    exception
      when integrity_constraint_violation then
        get stacked diagnostics v_constraint = constraint_name, v_column = column_name;
        v_results := v_results || public.item_outcome(v_trial -> 'id', 'rejected', public.trial_violation(v_constraint, v_column, v_trial));
      when others then
        -- Anything else (a value out of a type's range) still rejects only this trial.
        v_results := v_results || public.item_outcome(v_trial -> 'id', 'rejected', sqlerrm);
    end;
  end loop;
  return v_results;
end
$$;

revoke execute on function public.is_uuid(text), public.item_outcome(jsonb, text, text),
  public.trial_violation(text, text, jsonb) from public;
revoke execute on function public.trial_fields() from public;
grant execute on function public.trial_fields() to anon, authenticated, service_role;
comment on function public.trial_fields() is
  'The fields record_trials accepts, in order, with their JSON kind; src/data/trial-fields.ts lists the same (a contract test checks).';

-- ---------------------------------------------------------------------------------------------
-- The ClickMe API on the same helpers: bodies as in 20261122150000_clickme_api.sql, with only the
-- uuid check (is_uuid) and the per-item outcome (item_outcome) changed.
-- ---------------------------------------------------------------------------------------------

-- Why an item of clickme_record cannot be stored (null when it can be).
create or replace function public.clickme_item_problem(p_item jsonb) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  v_round public.clickme_rounds%rowtype;
  v_width integer;
  v_height integer;
  v_point jsonb;
  v_kind text;
begin
  if p_item is null or jsonb_typeof(p_item) <> 'object' then
    return 'an item must be a JSON object';
  end if;
  if not public.is_uuid(p_item ->> 'id') then
    return 'id must be a uuid string';
  end if;
  v_kind := p_item ->> 'kind';
  if v_kind = 'round' then
    if not public.is_uuid(p_item ->> 'set_id') or jsonb_typeof(p_item -> 'image_id') is distinct from 'string' then
      return 'a round needs set_id (uuid) and image_id (string)';
    end if;
    if not exists (select 1 from public.images i where i.set_id = (p_item ->> 'set_id')::uuid and i.image_id = p_item ->> 'image_id') then
      return format('image %s is not in set %s', p_item ->> 'image_id', p_item ->> 'set_id');
    end if;
    if coalesce(p_item ->> 'mode', '') = 'game' then
      if not exists (select 1 from public.players where id = auth.uid()) then
        return 'join with a nickname before playing';
      end if;
      if not exists (select 1 from public.stimulus_sets s where s.id = (p_item ->> 'set_id')::uuid and (s.is_demo or s.clickme_open)) then
        return 'this set is not open for ClickMe games';
      end if;
      if not public.is_uuid(p_item ->> 'game_id') then
        return 'a game round needs game_id (uuid)';
      end if;
      if jsonb_typeof(p_item -> 'time_limit_ms') is distinct from 'number' or (p_item ->> 'time_limit_ms')::numeric not between 1000 and 600000 then
        return 'a game round needs time_limit_ms from 1000 to 600000';
      end if;
    elsif coalesce(p_item ->> 'mode', '') = 'annotation' then
      if not (public.is_researcher() and public.can_read_set((p_item ->> 'set_id')::uuid)) then
        return 'only researchers who can read the set annotate it';
      end if;
    else
      return format('mode must be game or annotation (got %s)', coalesce(p_item -> 'mode', 'null'::jsonb));
    end if;
    if jsonb_typeof(p_item -> 'brush_radius') is distinct from 'number' or (p_item ->> 'brush_radius')::numeric <= 0 or (p_item ->> 'brush_radius')::numeric > 128 then
      return 'brush_radius must be a number in (0, 128] px';
    end if;
    if coalesce(p_item ->> 'device', '') not in ('mouse', 'touch', 'pen') then
      return format('device must be mouse, touch or pen (got %s)', coalesce(p_item -> 'device', 'null'::jsonb));
    end if;
    if p_item ? 'model_id' and jsonb_typeof(p_item -> 'model_id') not in ('string', 'null') then
      return 'model_id must be a string or null';
    end if;
    return null;
  end if;

  if v_kind not in ('stroke', 'end') then
    return format('kind must be round, stroke or end (got %s)', coalesce(p_item -> 'kind', 'null'::jsonb));
  end if;
  if not public.is_uuid(p_item ->> 'round_id') then
    return 'round_id must be a uuid string';
  end if;
  select * into v_round from public.clickme_rounds where id = (p_item ->> 'round_id')::uuid;
  if not found or v_round.player_id <> auth.uid() then
    return format('round %s is not yours (or was not stored)', p_item ->> 'round_id');
  end if;

  if v_kind = 'stroke' then
    if jsonb_typeof(p_item -> 'stroke_index') is distinct from 'number'
       or (p_item ->> 'stroke_index')::numeric <> floor((p_item ->> 'stroke_index')::numeric)
       or (p_item ->> 'stroke_index')::numeric not between 0 and 10000 then
      return 'stroke_index must be an integer from 0 to 10000';
    end if;
    if jsonb_typeof(p_item -> 'radius') is distinct from 'number' or (p_item ->> 'radius')::numeric <= 0 or (p_item ->> 'radius')::numeric > 128 then
      return 'radius must be a number in (0, 128] px';
    end if;
    if jsonb_typeof(p_item -> 'points') is distinct from 'array' or jsonb_array_length(p_item -> 'points') not between 1 and 5000 then
      return 'points must be an array of 1 to 5000 [x, y, t] points';
    end if;
    select i.width, i.height into v_width, v_height from public.images i where i.set_id = v_round.set_id and i.image_id = v_round.image_id;
    for v_point in select value from jsonb_array_elements(p_item -> 'points') loop
      if jsonb_typeof(v_point) <> 'array' or jsonb_array_length(v_point) <> 3
         or jsonb_typeof(v_point -> 0) <> 'number' or jsonb_typeof(v_point -> 1) <> 'number' or jsonb_typeof(v_point -> 2) <> 'number' then
        return format('each point must be [x, y, t] numbers (got %s)', v_point);
      end if;
      if (v_point ->> 0)::numeric not between 0 and v_width or (v_point ->> 1)::numeric not between 0 and v_height then
        return format('point %s lies outside the %s x %s image', v_point, v_width, v_height);
      end if;
      if (v_point ->> 2)::numeric not between 0 and 3600000 then
        return format('point time must be from 0 to 3600000 ms since the round started (got %s)', v_point -> 2);
      end if;
    end loop;
    return null;
  end if;

  -- end of a round
  if v_round.mode = 'game' and coalesce(p_item ->> 'outcome', '') not in ('recognized', 'timeout', 'skipped') then
    return format('a game round ends recognized, timeout or skipped (got %s)', coalesce(p_item -> 'outcome', 'null'::jsonb));
  end if;
  if v_round.mode = 'annotation' and coalesce(p_item ->> 'outcome', '') not in ('annotated', 'skipped') then
    return format('an annotation ends annotated or skipped (got %s)', coalesce(p_item -> 'outcome', 'null'::jsonb));
  end if;
  if v_round.mode = 'game' and (jsonb_typeof(p_item -> 'score') is distinct from 'number'
       or (p_item ->> 'score')::numeric <> floor((p_item ->> 'score')::numeric) or (p_item ->> 'score')::numeric not between 0 and 100000) then
    return 'score must be an integer from 0 to 100000';
  end if;
  if jsonb_typeof(p_item -> 'revealed_fraction') is distinct from 'number' or (p_item ->> 'revealed_fraction')::numeric not between 0 and 1 then
    return 'revealed_fraction must be a number from 0 to 1';
  end if;
  return null;
end
$$;

-- Store rounds, strokes and round ends, in the order given (a round before its strokes).
-- Returns one entry per item: {"id", "status": stored | duplicate | rejected, "reason"}.
create or replace function public.clickme_record(p_items jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_item jsonb;
  v_problem text;
  v_round public.clickme_rounds%rowtype;
  v_stroke public.clickme_strokes%rowtype;
  v_results jsonb := '[]'::jsonb;
  v_status text;
begin
  if auth.uid() is null then
    raise exception 'sign in (anonymously) before playing' using errcode = '42501';
  end if;
  if p_items is null or jsonb_typeof(p_items) <> 'array' then
    raise exception 'p_items must be a JSON array' using errcode = '22023';
  end if;
  if jsonb_array_length(p_items) > 500 then
    raise exception 'at most 500 items per call (got %)', jsonb_array_length(p_items) using errcode = '22023';
  end if;
  for v_item in select value from jsonb_array_elements(p_items) loop
    v_problem := public.clickme_item_problem(v_item);
    v_status := 'stored';
    if v_problem is null and v_item ->> 'kind' = 'round' then
      select * into v_round from public.clickme_rounds where id = (v_item ->> 'id')::uuid;
      if found then
        if v_round.player_id <> auth.uid() then v_problem := 'id is already used by another round'; else v_status := 'duplicate'; end if;
      end if;
    elsif v_problem is null and v_item ->> 'kind' = 'stroke' then
      select * into v_stroke from public.clickme_strokes where id = (v_item ->> 'id')::uuid;
      if found then
        if v_stroke.round_id <> (v_item ->> 'round_id')::uuid then v_problem := 'id is already used by another stroke'; else v_status := 'duplicate'; end if;
      elsif exists (select 1 from public.clickme_strokes s where s.round_id = (v_item ->> 'round_id')::uuid
                                                            and s.stroke_index = (v_item ->> 'stroke_index')::integer) then
        v_problem := format('stroke_index %s of this round is already stored under another id', v_item ->> 'stroke_index');
      end if;
    elsif v_problem is null and v_item ->> 'kind' = 'end' then
      select * into v_round from public.clickme_rounds where id = (v_item ->> 'round_id')::uuid;
      if v_round.ended_at is not null then
        if v_round.outcome = v_item ->> 'outcome' then v_status := 'duplicate'; else v_problem := format('the round already ended %s', v_round.outcome); end if;
      end if;
    end if;
    if v_problem is null and v_status = 'stored' then
      begin
        if v_item ->> 'kind' = 'round' then
          insert into public.clickme_rounds (id, player_id, game_id, set_id, image_id, mode, model_id, brush_radius, time_limit_ms, device, is_test)
          values ((v_item ->> 'id')::uuid, auth.uid(), (v_item ->> 'game_id')::uuid, (v_item ->> 'set_id')::uuid, v_item ->> 'image_id',
                  v_item ->> 'mode', v_item ->> 'model_id', (v_item ->> 'brush_radius')::double precision,
                  (v_item ->> 'time_limit_ms')::integer, v_item ->> 'device', coalesce((v_item ->> 'is_test')::boolean, false));
        elsif v_item ->> 'kind' = 'stroke' then
          insert into public.clickme_strokes (id, round_id, stroke_index, radius, points)
          values ((v_item ->> 'id')::uuid, (v_item ->> 'round_id')::uuid, (v_item ->> 'stroke_index')::integer,
                  (v_item ->> 'radius')::double precision, v_item -> 'points');
        else
          update public.clickme_rounds
             set outcome = v_item ->> 'outcome', score = (v_item ->> 'score')::integer,
                 revealed_fraction = (v_item ->> 'revealed_fraction')::double precision, ended_at = now()
           where id = (v_item ->> 'round_id')::uuid;
        end if;
      exception when others then
        v_problem := sqlerrm; -- a constraint the checks missed rejects only this item
      end;
    end if;
    v_results := v_results || public.item_outcome(v_item -> 'id',
      case when v_problem is null then v_status else 'rejected' end, v_problem);
  end loop;
  return v_results;
end
$$;
