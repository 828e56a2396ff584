-- ClickMe API: how players (anonymous users with a nickname) and annotating researchers write
-- rounds and strokes, and how researchers store the maps aggregated from them.
-- Same rules as the participant API: SECURITY DEFINER, empty search_path, every field checked,
-- a malformed item rejected with its reason while the valid ones around it are stored,
-- client-generated ids so a resend is answered "duplicate".

-- A game is one sitting of consecutive rounds: its total score is what the leaderboard ranks.
alter table public.clickme_rounds add column game_id uuid;
create index on public.clickme_rounds (game_id);
-- Which sets players may paint (the demo set always may).
alter table public.stimulus_sets add column clickme_open boolean not null default false;

-- The set a game or an annotation runs on: its id and where its files are.
create function public.clickme_set(p_slug text) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  v_set public.stimulus_sets%rowtype;
begin
  select * into v_set from public.stimulus_sets where slug = p_slug;
  if not found or not (v_set.is_demo or v_set.clickme_open or (public.is_researcher() and public.can_read_set(v_set.id))) then
    raise exception 'no ClickMe set with slug "%"', p_slug using errcode = 'PT404';
  end if;
  return jsonb_build_object('id', v_set.id, 'slug', v_set.slug, 'name', v_set.name, 'base_url', v_set.base_url);
end
$$;

-- Join (or rename) as a player under a nickname. Nicknames are unique (PT409, hint nickname_taken).
create function public.clickme_join(p_nickname text) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := auth.uid();
begin
  if v_uid is null then
    raise exception 'sign in (anonymously) before joining' using errcode = '42501';
  end if;
  if p_nickname is null or p_nickname !~ '^[A-Za-z0-9_ -]{2,24}$' then
    raise exception 'a nickname has 2 to 24 letters, digits, spaces, _ or - (got "%")', p_nickname using errcode = '22023';
  end if;
  if exists (select 1 from public.players where lower(nickname) = lower(p_nickname) and id <> v_uid) then
    raise exception 'the nickname "%" is taken', p_nickname using errcode = 'PT409', hint = 'nickname_taken';
  end if;
  insert into public.players (id, nickname) values (v_uid, p_nickname)
  on conflict (id) do update set nickname = excluded.nickname;
  return jsonb_build_object('player_id', v_uid, 'nickname', p_nickname);
end
$$;

-- The next images for the caller: ones they have not painted, those closest to having
-- p_min_players first (so maps become usable soon), then the least painted; ties at random.
create function public.clickme_next_images(p_set_id uuid, p_count integer default 10, p_min_players integer default 5)
returns text[]
language sql volatile security definer set search_path = '' as $$
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
    from (select * from counts
          order by (n >= p_min_players), case when n < p_min_players then -n else n end, random()
          limit greatest(1, least(p_count, 100))) chosen
$$;

-- Why an item of clickme_record cannot be stored (null when it can be).
create function public.clickme_item_problem(p_item jsonb) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  uuid_re constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
  v_round public.clickme_rounds%rowtype;
  v_width integer;
  v_height integer;
  v_point jsonb;
  v_kind text;
begin
  if p_item is null or jsonb_typeof(p_item) <> 'object' then
    return 'an item must be a JSON object';
  end if;
  if coalesce(p_item ->> 'id', '') !~* uuid_re then
    return 'id must be a uuid string';
  end if;
  v_kind := p_item ->> 'kind';
  if v_kind = 'round' then
    if coalesce(p_item ->> 'set_id', '') !~* uuid_re or jsonb_typeof(p_item -> 'image_id') is distinct from 'string' then
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
      if coalesce(p_item ->> 'game_id', '') !~* uuid_re then
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
  if coalesce(p_item ->> 'round_id', '') !~* uuid_re then
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
create function public.clickme_record(p_items jsonb) returns jsonb
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
    v_results := v_results || jsonb_build_object('id', v_item -> 'id',
      'status', case when v_problem is null then v_status else 'rejected' end, 'reason', v_problem);
  end loop;
  return v_results;
end
$$;

-- Players' best game totals (a game's total = the sum of its rounds' scores), best first.
create function public.clickme_leaderboard(p_limit integer default 10, p_include_test boolean default false)
returns jsonb
language sql stable security definer set search_path = '' as $$
  select coalesce(jsonb_agg(jsonb_build_object('nickname', nickname, 'best_total', best_total, 'games', games, 'is_me', is_me)
                            order by best_total desc, nickname), '[]'::jsonb)
    from (select p.nickname, max(g.total) as best_total, count(*) as games, p.id = auth.uid() as is_me
            from (select r.player_id, r.game_id, sum(coalesce(r.score, 0)) as total
                    from public.clickme_rounds r
                   where r.mode = 'game' and r.game_id is not null and (p_include_test or not r.is_test)
                   group by r.player_id, r.game_id) g
            join public.players p on p.id = g.player_id
           group by p.id, p.nickname
           order by best_total desc, p.nickname
           limit greatest(1, least(p_limit, 100))) board
$$;

-- Researchers mark (or clear) why rounds of a set they can read are excluded from its maps.
-- p_exclusions: [{"round_id": uuid, "reason": text or null}]. Returns how many rounds changed.
create function public.clickme_mark_exclusions(p_set_id uuid, p_exclusions jsonb) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_changed integer;
begin
  if not (public.is_researcher() and public.can_read_set(p_set_id)) then
    raise exception 'only researchers who can read the set mark its exclusions' using errcode = '42501';
  end if;
  if p_exclusions is null or jsonb_typeof(p_exclusions) <> 'array' then
    raise exception 'p_exclusions must be a JSON array of {round_id, reason}' using errcode = '22023';
  end if;
  update public.clickme_rounds r
     set excluded_reason = e.value ->> 'reason'
    from jsonb_array_elements(p_exclusions) e
   where r.set_id = p_set_id and r.id::text = e.value ->> 'round_id'
     and r.excluded_reason is distinct from e.value ->> 'reason';
  get diagnostics v_changed = row_count;
  return v_changed;
end
$$;

-- Researchers store the maps aggregated from ClickMe strokes (source "clickme"; nobody writes
-- that source directly). A map must not claim more players than painted the image.
-- p_maps: [{"image_id", "width", "height", "png" (hex, \x...), "n_observers", "reliability", "params"}].
create function public.clickme_store_maps(p_set_id uuid, p_maps jsonb) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_map jsonb;
  v_players integer;
  v_stored integer := 0;
begin
  if not (public.is_researcher() and public.can_read_set(p_set_id)) then
    raise exception 'only researchers who can read the set store its ClickMe maps' using errcode = '42501';
  end if;
  if p_maps is null or jsonb_typeof(p_maps) <> 'array' then
    raise exception 'p_maps must be a JSON array of maps' using errcode = '22023';
  end if;
  for v_map in select value from jsonb_array_elements(p_maps) loop
    select count(distinct r.player_id) into v_players from public.clickme_rounds r
     where r.set_id = p_set_id and r.image_id = v_map ->> 'image_id';
    if coalesce((v_map ->> 'n_observers')::integer, 0) < 1 or (v_map ->> 'n_observers')::integer > v_players then
      raise exception 'the map of % claims % players; % painted it', v_map ->> 'image_id', v_map ->> 'n_observers', v_players using errcode = '22023';
    end if;
    insert into public.importance_maps (set_id, image_id, source, width, height, png, n_observers, reliability, params, created_by)
    values (p_set_id, v_map ->> 'image_id', 'clickme', (v_map ->> 'width')::integer, (v_map ->> 'height')::integer,
            decode(substr(v_map ->> 'png', 3), 'hex'), (v_map ->> 'n_observers')::integer,
            (v_map ->> 'reliability')::double precision, coalesce(v_map -> 'params', '{}'::jsonb), auth.uid())
    on conflict (set_id, image_id, source) do update
      set width = excluded.width, height = excluded.height, png = excluded.png, n_observers = excluded.n_observers,
          reliability = excluded.reliability, params = excluded.params, created_by = excluded.created_by, created_at = now();
    v_stored := v_stored + 1;
  end loop;
  return v_stored;
end
$$;

revoke execute on function public.clickme_set(text), public.clickme_join(text), public.clickme_next_images(uuid, integer, integer),
  public.clickme_item_problem(jsonb), public.clickme_record(jsonb), public.clickme_leaderboard(integer, boolean),
  public.clickme_mark_exclusions(uuid, jsonb), public.clickme_store_maps(uuid, jsonb) from public;
grant execute on function public.clickme_set(text), public.clickme_leaderboard(integer, boolean) to anon, authenticated, service_role;
grant execute on function public.clickme_join(text), public.clickme_next_images(uuid, integer, integer), public.clickme_record(jsonb),
  public.clickme_mark_exclusions(uuid, jsonb), public.clickme_store_maps(uuid, jsonb) to authenticated, service_role;
