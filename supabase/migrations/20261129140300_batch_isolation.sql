-- Issue 13, finding 10 (SQL part): batch isolation.
--   * Each item of record_trials and clickme_record is handled in its own subtransaction: any
--     error while checking or storing it (a value out of a type's range, JSON too deep, a broken
--     constraint) rejects that item with its reason, and the items around it are still stored.
--   * Concurrent resends of one batch (two requests at once) report "duplicate", never
--     "rejected": record_trials locks the session row, so one session's batches run one after the
--     other, and inserts use `on conflict (id) do nothing` and then compare the row that is there
--     (the same trial, or round, or stroke is a duplicate). ClickMe strokes and round ends lock
--     their round the same way.

-- What a batch API says about an item whose id is already stored in trials (null when it is not).
create function public.stored_trial_outcome(p_session_id uuid, p_trial jsonb) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  v_existing public.trials%rowtype;
begin
  select * into v_existing from public.trials where id = (p_trial ->> 'id')::uuid;
  if not found then
    return null;
  elsif v_existing.session_id <> p_session_id then
    return public.item_outcome(p_trial -> 'id', 'rejected', 'id is already used by another session');
  elsif v_existing.trial_index <> (p_trial ->> 'trial_index')::integer then
    return public.item_outcome(p_trial -> 'id', 'rejected', format('id was stored before with trial_index %s', v_existing.trial_index));
  end if;
  return public.item_outcome(p_trial -> 'id', 'duplicate', null);
end
$$;

-- Check and store one trial of a session (record_trials calls it once per item, in a
-- subtransaction). Returns the item's outcome.
create function public.record_trial(p_session public.sessions, p_set_id uuid, p_trial jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_problem text;
  v_outcome jsonb;
  v_category text;
  v_columns text;
  v_inserted uuid;
  v_constraint text;
  v_column text;
begin
  v_problem := public.trial_problem(p_trial, p_set_id);
  if v_problem is not null then
    return public.item_outcome(p_trial -> 'id', 'rejected', v_problem);
  end if;
  v_outcome := public.stored_trial_outcome(p_session.id, p_trial);
  if v_outcome is not null then
    return v_outcome;
  end if;
  if p_session.status = 'completed' then
    return public.item_outcome(p_trial -> 'id', 'rejected', 'the session is completed and takes no new trials');
  end if;
  if exists (select 1 from public.trials t where t.session_id = p_session.id and t.trial_index = (p_trial ->> 'trial_index')::integer) then
    return public.item_outcome(p_trial -> 'id', 'rejected', format('trial_index %s is already stored under another id', p_trial ->> 'trial_index'));
  end if;

  select i.category into v_category
    from public.stimuli s join public.images i on i.set_id = s.set_id and i.image_id = s.image_id
   where s.id = (p_trial ->> 'stimulus_id')::uuid;
  -- The keys were checked against trial_fields(): each names a column. Left-out ones get the
  -- column's default. `correct`: the answer equals the image's category; no answer is wrong.
  select string_agg(quote_ident(k), ', ') into v_columns from jsonb_object_keys(p_trial) k;
  begin
    execute format('insert into public.trials (session_id, correct, %1$s) select $2, $3, %1$s from jsonb_populate_record(null::public.trials, $1) '
                   'on conflict (id) do nothing returning id', v_columns)
      into v_inserted
      using p_trial, p_session.id, coalesce((p_trial ->> 'response') = v_category, false);
  exception when integrity_constraint_violation then
    get stacked diagnostics v_constraint = constraint_name, v_column = column_name;
    -- Another request stored the same trial a moment ago: that is a duplicate.
    v_outcome := public.stored_trial_outcome(p_session.id, p_trial);
    return coalesce(v_outcome, public.item_outcome(p_trial -> 'id', 'rejected', public.trial_violation(v_constraint, v_column, p_trial)));
  end;
  if v_inserted is null then
    return coalesce(public.stored_trial_outcome(p_session.id, p_trial), public.item_outcome(p_trial -> 'id', 'rejected', 'id is already stored'));
  end if;
  return public.item_outcome(p_trial -> 'id', 'stored', null);
end
$$;

-- Store a batch of trials of the caller's own session: one outcome per input, in order,
-- {"id", "status": stored | duplicate | rejected, "reason"}; each trial on its own.
create or replace function public.record_trials(p_session_id uuid, p_trials jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_session public.sessions%rowtype;
  v_set_id uuid;
  v_trial jsonb;
  v_outcome jsonb;
  v_results jsonb := '[]'::jsonb;
begin
  -- The lock makes one session's batches run one after the other (a resend waits and then
  -- finds its trials stored: duplicates).
  select * into v_session from public.sessions where id = p_session_id for no key update;
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
    begin
      v_outcome := public.record_trial(v_session, v_set_id, v_trial);
    exception when others then
      v_outcome := public.item_outcome(v_trial -> 'id', 'rejected', format('the trial cannot be stored: %s', sqlerrm));
    end;
    v_results := v_results || v_outcome;
  end loop;
  return v_results;
end
$$;

-- Check and store one ClickMe item (clickme_record calls it once per item, in a subtransaction).
-- A resent item (its id stored: the same round, stroke, or the same end) is a duplicate.
create function public.clickme_record_item(p_item jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_kind text := p_item ->> 'kind';
  v_problem text;
  v_round public.clickme_rounds%rowtype;
  v_stroke public.clickme_strokes%rowtype;
  v_id uuid;
begin
  if jsonb_typeof(p_item) = 'object' and public.is_uuid(p_item ->> 'id') then
    if v_kind in ('stroke', 'end') and public.is_uuid(p_item ->> 'round_id') then
      -- one round's strokes and end are stored one at a time
      select * into v_round from public.clickme_rounds
       where id = (p_item ->> 'round_id')::uuid and player_id = auth.uid() for update;
    end if;
    if v_kind = 'round' then
      select * into v_round from public.clickme_rounds where id = (p_item ->> 'id')::uuid;
      if found then
        return public.item_outcome(p_item -> 'id', case when v_round.player_id = auth.uid() then 'duplicate' else 'rejected' end,
          case when v_round.player_id = auth.uid() then null else 'id is already used by another round' end);
      end if;
    elsif v_kind = 'stroke' then
      select * into v_stroke from public.clickme_strokes where id = (p_item ->> 'id')::uuid;
      if found then
        return public.item_outcome(p_item -> 'id', case when v_stroke.round_id = v_round.id then 'duplicate' else 'rejected' end,
          case when v_stroke.round_id = v_round.id then null else 'id is already used by another stroke' end);
      end if;
    elsif v_kind = 'end' and v_round.ended_at is not null then
      return public.item_outcome(p_item -> 'id', case when v_round.outcome = p_item ->> 'outcome' then 'duplicate' else 'rejected' end,
        case when v_round.outcome = p_item ->> 'outcome' then null else format('the round already ended %s', v_round.outcome) end);
    end if;
  end if;

  v_problem := public.clickme_item_problem(p_item);
  if v_problem is null and v_kind = 'stroke'
     and exists (select 1 from public.clickme_strokes s where s.round_id = v_round.id and s.stroke_index = (p_item ->> 'stroke_index')::integer) then
    v_problem := format('stroke_index %s of this round is already stored under another id', p_item ->> 'stroke_index');
  end if;
  if v_problem is not null then
    return public.item_outcome(p_item -> 'id', 'rejected', v_problem);
  end if;

  if v_kind = 'round' then
    insert into public.clickme_rounds (id, player_id, game_id, set_id, image_id, mode, model_id, brush_radius, time_limit_ms, device, is_test)
    values ((p_item ->> 'id')::uuid, auth.uid(), (p_item ->> 'game_id')::uuid, (p_item ->> 'set_id')::uuid, p_item ->> 'image_id',
            p_item ->> 'mode', p_item ->> 'model_id', (p_item ->> 'brush_radius')::double precision,
            (p_item ->> 'time_limit_ms')::integer, p_item ->> 'device', coalesce((p_item ->> 'is_test')::boolean, false))
    on conflict (id) do nothing
    returning id into v_id;
    if v_id is null then -- stored by a request running at the same time
      select * into v_round from public.clickme_rounds where id = (p_item ->> 'id')::uuid;
      return public.item_outcome(p_item -> 'id', case when v_round.player_id = auth.uid() then 'duplicate' else 'rejected' end,
        case when v_round.player_id = auth.uid() then null else 'id is already used by another round' end);
    end if;
  elsif v_kind = 'stroke' then
    insert into public.clickme_strokes (id, round_id, stroke_index, radius, points)
    values ((p_item ->> 'id')::uuid, v_round.id, (p_item ->> 'stroke_index')::integer,
            (p_item ->> 'radius')::double precision, p_item -> 'points');
  else
    update public.clickme_rounds
       set outcome = p_item ->> 'outcome', score = (p_item ->> 'score')::integer,
           revealed_fraction = (p_item ->> 'revealed_fraction')::double precision, ended_at = now()
     where id = v_round.id;
  end if;
  return public.item_outcome(p_item -> 'id', 'stored', null);
end
$$;

-- Store rounds, strokes and round ends, in the order given (a round before its strokes): one
-- outcome per item, {"id", "status": stored | duplicate | rejected, "reason"}, each on its own.
create or replace function public.clickme_record(p_items jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_item jsonb;
  v_outcome jsonb;
  v_results jsonb := '[]'::jsonb;
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
    begin
      v_outcome := public.clickme_record_item(v_item);
    exception when others then
      v_outcome := public.item_outcome(v_item -> 'id', 'rejected', format('the item cannot be stored: %s', sqlerrm));
    end;
    v_results := v_results || v_outcome;
  end loop;
  return v_results;
end
$$;

revoke execute on function public.stored_trial_outcome(uuid, jsonb), public.record_trial(public.sessions, uuid, jsonb),
  public.clickme_record_item(jsonb) from public, anon, authenticated;
