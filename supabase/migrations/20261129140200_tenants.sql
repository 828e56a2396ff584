-- Issue 13, finding 4: researchers no longer cross tenants on ClickMe, maps and models.
-- Research data hanging off a stimulus set (ClickMe rounds and strokes, importance maps, the
-- set's exclusions and annotations) is its owner's. Demo sets (is_demo) are common ground: every
-- researcher reads them, annotates them, marks their exclusions and stores or replaces their maps,
-- so the shared demo keeps working for everyone; they hold nobody's study data.
-- can_read_set (a set used by a live study is readable, so its participants see the stimuli)
-- still governs the stimuli themselves, never the research data around them.
--   * manages_set(set): the caller is a researcher and owns the set, or the set is a demo set;
--   * rounds, strokes and maps: read by the player who painted (rounds, strokes) or by whoever
--     manages the set; maps inserted and replaced only by whoever manages the set (so nobody can
--     pre-insert a map row that locks the owner out, and the owner replaces any row of her set);
--   * clickme_set (annotation), annotation rounds, clickme_mark_exclusions, clickme_store_maps:
--     only whoever manages the set. Players still write their own game rounds on open sets;
--   * a new study or model run uses a set the researcher manages, and a model run is attached
--     only to the researcher's own study;
--   * models: a model id is global. Registering is insert-if-absent (the app upserts with
--     ignore-duplicates); whoever registered a model may correct its name, family, accuracy and
--     source, nobody else, and nobody changes its id.

create function public.manages_set(p_set_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select public.is_researcher() and exists (
    select 1 from public.stimulus_sets ss where ss.id = p_set_id and (ss.is_demo or ss.owner_id = auth.uid()))
$$;
revoke execute on function public.manages_set(uuid) from public, anon;
grant execute on function public.manages_set(uuid) to authenticated, service_role;

drop policy rounds_read on public.clickme_rounds;
create policy rounds_read on public.clickme_rounds for select to authenticated
  using (player_id = auth.uid() or public.manages_set(set_id));
drop policy strokes_read on public.clickme_strokes;
create policy strokes_read on public.clickme_strokes for select to authenticated
  using (public.owns_round(round_id)
         or exists (select 1 from public.clickme_rounds r where r.id = round_id and public.manages_set(r.set_id)));

drop policy maps_read on public.importance_maps;
create policy maps_read on public.importance_maps for select to authenticated
  using (public.manages_set(set_id));
drop policy maps_insert on public.importance_maps;
create policy maps_insert on public.importance_maps for insert to authenticated
  with check (public.manages_set(set_id) and created_by = auth.uid() and source <> 'clickme');
drop policy maps_update_own on public.importance_maps;
create policy maps_update_managed on public.importance_maps for update to authenticated
  using (public.manages_set(set_id)) with check (public.manages_set(set_id) and source <> 'clickme');

drop policy studies_insert_own on public.studies;
create policy studies_insert_own on public.studies for insert to authenticated
  with check (public.is_researcher() and owner_id = auth.uid() and public.manages_set(stimulus_set_id));
drop policy runs_insert_own on public.model_runs;
create policy runs_insert_own on public.model_runs for insert to authenticated
  with check (public.is_researcher() and started_by = auth.uid() and public.manages_set(stimulus_set_id)
              and (study_id is null or public.owns_study(study_id)));

grant update (name, family, imagenet_top1, source_url) on public.models to authenticated;
create policy models_update_own on public.models for update to authenticated
  using (added_by = auth.uid()) with check (added_by = auth.uid());

-- The set a game or an annotation runs on: open sets for players, managed sets for researchers.
create or replace function public.clickme_set(p_slug text) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  v_set public.stimulus_sets%rowtype;
begin
  select * into v_set from public.stimulus_sets where slug = p_slug;
  if not found or not (v_set.is_demo or v_set.clickme_open or public.manages_set(v_set.id)) then
    raise exception 'no ClickMe set with slug "%"', p_slug using errcode = 'PT404';
  end if;
  return jsonb_build_object('id', v_set.id, 'slug', v_set.slug, 'name', v_set.name, 'base_url', v_set.base_url);
end
$$;

-- Researchers mark (or clear) why rounds of a set they manage are excluded from its maps.
-- p_exclusions: [{"round_id": uuid, "reason": text or null}]. Returns how many rounds changed.
create or replace function public.clickme_mark_exclusions(p_set_id uuid, p_exclusions jsonb) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_changed integer;
begin
  if not public.manages_set(p_set_id) then
    raise exception 'only the owner of the set (any researcher for a demo set) marks its exclusions' using errcode = '42501';
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

-- Researchers store the maps aggregated from ClickMe strokes of a set they manage (source
-- "clickme"; nobody writes that source directly). A map must not claim more players than painted
-- the image. p_maps: [{"image_id", "width", "height", "png" (hex, \x...), "n_observers", "reliability", "params"}].
create or replace function public.clickme_store_maps(p_set_id uuid, p_maps jsonb) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_map jsonb;
  v_players integer;
  v_stored integer := 0;
begin
  if not public.manages_set(p_set_id) then
    raise exception 'only the owner of the set (any researcher for a demo set) stores its ClickMe maps' using errcode = '42501';
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

-- Why an item of clickme_record cannot be stored: as in 20261129120000_trial_fields.sql, except
-- that only whoever manages a set annotates it.
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
