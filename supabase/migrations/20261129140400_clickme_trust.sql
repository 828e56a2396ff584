-- Issue 13, finding 9: ClickMe no longer trusts the client.
--   * The score is bounded by the round's facts: clickme_round_score is the SQL twin of
--     src/clickgame/score.ts (0 unless recognized, else max(1, round(100 x (1 - painted) x
--     (1 - elapsed / limit)))), with elapsed at least the last stored point's time; a round stores
--     the smaller of the client's score and that bound, so one round scores at most 100.
--   * A game round is accepted only on an image clickme_next_images served to that player (it now
--     records what it serves in clickme_served), and once per player and image.
--   * A round that ended takes no more strokes.
--   * Sizes: model_id is a model id (as models.id: 2 to 64 characters), a stroke at most 5000
--     points, a round at most 1000 strokes (stroke_index 0 to 999); a call at most 200 items and
--     100000 points in all (the stand-in caps the request body separately).

-- The images served to each player (a game round must be on one of them).
create table public.clickme_served (
  player_id uuid not null references auth.users (id) on delete cascade,
  set_id uuid not null,
  image_id text not null,
  served_at timestamptz not null default now(),
  primary key (player_id, set_id, image_id),
  foreign key (set_id, image_id) references public.images (set_id, image_id) on delete cascade
);
comment on table public.clickme_served is 'Which images clickme_next_images gave each player: the only images their game rounds may be on.';
alter table public.clickme_served enable row level security;
revoke all on public.clickme_served from anon, authenticated;
grant all on public.clickme_served to service_role;

-- A game round's score (src/clickgame/score.ts roundScore, the same formula).
create function public.clickme_round_score(p_outcome text, p_painted numeric, p_elapsed_ms numeric, p_limit_ms numeric) returns integer
language sql immutable set search_path = '' as $$
  select case when p_outcome <> 'recognized' then 0
              else greatest(1, round(100 * (1 - least(1, greatest(0, p_painted)))
                                         * (1 - least(1, greatest(0, p_elapsed_ms / nullif(p_limit_ms, 0))))))::integer end
$$;

-- The next images for the caller: ones they have not painted, those closest to having
-- p_min_players first (so maps become usable soon), then the least painted; ties at random.
-- What it returns is recorded as served to the caller.
create or replace function public.clickme_next_images(p_set_id uuid, p_count integer default 10, p_min_players integer default 5)
returns text[]
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_images text[];
begin
  with counts as (
    select i.image_id,
           (select count(distinct r.player_id) from public.clickme_rounds r
             where r.set_id = i.set_id and r.image_id = i.image_id and r.mode = 'game' and r.excluded_reason is null) as n
      from public.images i
     where i.set_id = p_set_id
       and not exists (select 1 from public.clickme_rounds r
                        where r.set_id = i.set_id and r.image_id = i.image_id and r.player_id = auth.uid())
  )
  select coalesce(array_agg(image_id order by (n >= p_min_players), case when n < p_min_players then -n else n end, random()), '{}')
    into v_images
    from (select * from counts
          order by (n >= p_min_players), case when n < p_min_players then -n else n end, random()
          limit greatest(1, least(p_count, 100))) chosen;
  if auth.uid() is not null then
    insert into public.clickme_served (player_id, set_id, image_id)
    select auth.uid(), p_set_id, unnest(v_images)
    on conflict (player_id, set_id, image_id) do update set served_at = now();
  end if;
  return v_images;
end
$$;

-- Why an item of clickme_record cannot be stored (null when it can be): as in
-- 20261129140200_tenants.sql, plus the served image, one game round per image, the model id,
-- at most 1000 strokes per round, and no stroke after the round's end.
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
      if not exists (select 1 from public.clickme_served s where s.player_id = auth.uid()
                        and s.set_id = (p_item ->> 'set_id')::uuid and s.image_id = p_item ->> 'image_id') then
        return format('image %s was not served to you: play the images clickme_next_images gives', p_item ->> 'image_id');
      end if;
      if exists (select 1 from public.clickme_rounds r where r.player_id = auth.uid() and r.mode = 'game'
                    and r.set_id = (p_item ->> 'set_id')::uuid and r.image_id = p_item ->> 'image_id') then
        return format('you already played image %s', p_item ->> 'image_id');
      end if;
    elsif coalesce(p_item ->> 'mode', '') = 'annotation' then
      if not public.manages_set((p_item ->> 'set_id')::uuid) then
        return 'only the owner of the set (any researcher for a demo set) annotates it';
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
    if (p_item ->> 'model_id') !~ '^[a-z0-9][a-z0-9_.-]{1,63}$' then
      return 'model_id must be a model id: 2 to 64 lower-case letters, digits, _ . or -';
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
       or (p_item ->> 'stroke_index')::numeric not between 0 and 999 then
      return 'stroke_index must be an integer from 0 to 999 (a round holds at most 1000 strokes)';
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
    if v_round.ended_at is not null then
      return format('the round ended %s: it takes no more strokes', v_round.outcome);
    end if;
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

create or replace function public.clickme_record_item(p_item jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_kind text := p_item ->> 'kind';
  v_problem text;
  v_round public.clickme_rounds%rowtype;
  v_stroke public.clickme_strokes%rowtype;
  v_id uuid;
  v_elapsed numeric;
  v_score integer;
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
    -- The score from the round's facts (src/clickgame/score.ts states the formula): 0 unless
    -- recognized, else max(1, round(100 x (1 - painted) x (1 - elapsed / limit))), where the round
    -- lasted at least until its last stored point. The stored score is at most that bound.
    if v_round.mode = 'game' then
      select coalesce(max((pt ->> 2)::numeric), 0) into v_elapsed
        from public.clickme_strokes s, jsonb_array_elements(s.points) pt where s.round_id = v_round.id;
      v_score := least((p_item ->> 'score')::numeric, public.clickme_round_score(p_item ->> 'outcome',
        (p_item ->> 'revealed_fraction')::numeric, v_elapsed, v_round.time_limit_ms));
    end if;
    update public.clickme_rounds
       set outcome = p_item ->> 'outcome', score = v_score,
           revealed_fraction = (p_item ->> 'revealed_fraction')::double precision, ended_at = now()
     where id = v_round.id;
  end if;
  return public.item_outcome(p_item -> 'id', 'stored', null);
end
$$;

create or replace function public.clickme_record(p_items jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_item jsonb;
  v_outcome jsonb;
  v_results jsonb := '[]'::jsonb;
  v_points bigint;
begin
  if auth.uid() is null then
    raise exception 'sign in (anonymously) before playing' using errcode = '42501';
  end if;
  if p_items is null or jsonb_typeof(p_items) <> 'array' then
    raise exception 'p_items must be a JSON array' using errcode = '22023';
  end if;
  if jsonb_array_length(p_items) > 200 then
    raise exception 'at most 200 items per call (got %)', jsonb_array_length(p_items) using errcode = '22023';
  end if;
  select coalesce(sum(jsonb_array_length(e -> 'points')), 0) into v_points
    from jsonb_array_elements(p_items) e
   where jsonb_typeof(e) = 'object' and jsonb_typeof(e -> 'points') = 'array';
  if v_points > 100000 then
    raise exception 'at most 100000 stroke points per call (got %): send fewer items at once', v_points using errcode = '22023';
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

revoke execute on function public.clickme_round_score(text, numeric, numeric, numeric) from public;
grant execute on function public.clickme_round_score(text, numeric, numeric, numeric) to anon, authenticated, service_role;
