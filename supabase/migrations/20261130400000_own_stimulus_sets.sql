-- Issue 15, item 1: a lab's own stimulus sets, built on the dashboard (/dashboard/sets) or with
-- `npm run stimuli -- build --record`, recorded here and served like the demo set.
--
-- Where the files live. The demo set's files are on the app server's disk (STIMULUS_SETS_DIR,
-- built by `npm start`). A researcher's set may be built in a browser or on another machine, so its
-- files are stored here, in stimulus_files (bytea), and the app serves /stimuli/<slug>/<path> from
-- its disk when it has that folder and from this table otherwise (src/hooks.server.ts). Supabase
-- Storage would serve the same purpose on a hosted project, but the local stand-in has no Storage
-- API, and one path for both keeps a set's files beside the rows that name them.
--
-- The path of a set, through three functions (all SECURITY DEFINER, checked here):
--   begin_stimulus_set(p_set)         a new set in status 'building', owned by the caller, with its
--                                     name, levels, seed and map source (a building set of the
--                                     caller with the same slug, left by an interrupted upload, is
--                                     replaced; anyone else's slug is refused in a sentence);
--   store_stimulus_files(set, files)  its files, base64, checked by path; sha256 computed here;
--   finish_stimulus_set(set)          reads the stored manifest.json, checks that every file it
--                                     names is stored with the manifest's sha256, records the
--                                     images and stimuli from it, and makes the set 'ready'.
-- Only ready sets are listed for studies, ClickMe and model runs (src/data/stimulus-sets.ts), and
-- only their files are served: stimulus_file(slug, path), to anyone, like any static file of the
-- app (participants' browsers fetch stimuli without a token). A ready set never changes.

create type public.stimulus_set_status as enum ('building', 'ready');
create type public.map_source_kind as enum ('uploaded', 'clickme', 'model', 'center-bias');

alter table public.stimulus_sets
  add column status public.stimulus_set_status not null default 'ready',
  add column map_source public.map_source_kind,
  add column map_source_set_id uuid references public.stimulus_sets (id),
  add column map_source_model text,
  add column map_source_run_id uuid references public.model_runs (id) on delete set null,
  add constraint stimulus_sets_map_source_set check ((map_source in ('clickme', 'model')) = (map_source_set_id is not null)),
  add constraint stimulus_sets_map_source_model check ((map_source = 'model') = (map_source_model is not null)
    and (map_source_model is null or map_source_model ~ '^[A-Za-z0-9_.-]{1,64}$'));
comment on column public.stimulus_sets.status is 'building while its files are uploaded; ready once finish_stimulus_set has checked them against the manifest. Only ready sets are listed and served.';
comment on column public.stimulus_sets.map_source is 'What the reveal order follows: uploaded maps, ClickMe maps of map_source_set_id, the saliency of model map_source_model on map_source_set_id (run map_source_run_id), or centre bias (a placeholder, never human data). Null: recorded before sources were.';

-- A researcher inserts sets through begin_stimulus_set only, in status building.
drop policy stimulus_sets_insert_own on public.stimulus_sets;
create policy stimulus_sets_insert_own on public.stimulus_sets for insert to authenticated
  with check (public.is_researcher() and owner_id = auth.uid() and not is_demo and status = 'building');

create table public.stimulus_files (
  set_id uuid not null references public.stimulus_sets (id) on delete cascade,
  path text not null constraint stimulus_files_path
    check (length(path) <= 300 and path ~ '^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$'),
  content bytea not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  primary key (set_id, path)
);
comment on table public.stimulus_files is 'The files of a stimulus set built outside the app server (dashboard or a CLI elsewhere), by path relative to its manifest; served at /stimuli/<slug>/<path>.';
alter table public.stimulus_files enable row level security;
-- no grants: written through store_stimulus_files, read through stimulus_file

create function public.begin_stimulus_set(p_set jsonb) returns uuid
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_slug text := p_set ->> 'slug';
  v_name text := btrim(coalesce(p_set ->> 'name', ''));
  v_source text := p_set ->> 'map_source';
  v_source_set uuid := nullif(p_set ->> 'map_source_set_id', '')::uuid;
  v_model text := nullif(p_set ->> 'map_source_model', '');
  v_run uuid := nullif(p_set ->> 'map_source_run_id', '')::uuid;
  v_existing public.stimulus_sets%rowtype;
  v_id uuid;
begin
  if not public.is_researcher() then
    raise exception 'only a signed-in researcher records stimulus sets' using errcode = '42501';
  end if;
  if v_slug is null or v_slug !~ '^[a-z0-9][a-z0-9-]{1,62}$' then
    raise exception 'the short name must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter or digit (got "%")', coalesce(v_slug, '')
      using errcode = '22023', hint = 'field:slug';
  end if;
  if length(v_name) not between 1 and 200 then
    raise exception 'the set''s name must be 1 to 200 characters' using errcode = '22023', hint = 'field:name';
  end if;
  if v_source is null or v_source not in ('uploaded', 'clickme', 'model', 'center-bias') then
    raise exception 'the map source must be uploaded, clickme, model or center-bias (got "%")', coalesce(v_source, '')
      using errcode = '22023', hint = 'field:map_source';
  end if;
  if v_source in ('clickme', 'model') and (v_source_set is null or not public.manages_set(v_source_set)
       or not exists (select 1 from public.stimulus_sets s where s.id = v_source_set and s.status = 'ready')) then
    raise exception 'maps from % need the set they come from, one you own or a demo set', case v_source when 'clickme' then 'ClickMe' else 'a model' end
      using errcode = '22023', hint = 'field:map_source_set_id';
  end if;
  if (v_source = 'model') <> (v_model is not null) or (v_model is not null and v_model !~ '^[A-Za-z0-9_.-]{1,64}$') then
    raise exception 'a model''s saliency needs the model''s id, and only that source has one' using errcode = '22023', hint = 'field:map_source_model';
  end if;
  if v_source not in ('clickme', 'model') then v_source_set := null; end if;

  select * into v_existing from public.stimulus_sets where slug = v_slug;
  if found then
    if v_existing.owner_id is distinct from auth.uid() or v_existing.status <> 'building'
       or exists (select 1 from public.studies st where st.stimulus_set_id = v_existing.id) then
      raise exception 'a stimulus set with the short name "%" exists already: choose another', v_slug
        using errcode = '23505', hint = 'field:slug';
    end if;
    delete from public.stimulus_sets where id = v_existing.id; -- an interrupted upload of the caller's
  end if;

  insert into public.stimulus_sets (slug, name, description, owner_id, is_demo, base_url, levels, seed, status,
                                    map_source, map_source_set_id, map_source_model, map_source_run_id)
  values (v_slug, v_name, coalesce(p_set ->> 'description', ''), auth.uid(), false, '/stimuli/' || v_slug,
          '{}', nullif(p_set ->> 'seed', '')::integer, 'building', v_source::public.map_source_kind, v_source_set,
          case when v_source = 'model' then v_model end,
          case when v_source = 'model' and exists (select 1 from public.model_runs r where r.id = v_run) then v_run end)
  returning id into v_id;
  return v_id;
end
$$;

-- p_files: [{"path": "stimuli/cat/0.png", "base64": "..."}]. Returns how many were stored; a
-- path sent again (a retried request) replaces the earlier bytes.
create function public.store_stimulus_files(p_set_id uuid, p_files jsonb) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_file jsonb;
  v_bytes bytea;
  v_count integer := 0;
begin
  if not exists (select 1 from public.stimulus_sets s where s.id = p_set_id and s.owner_id = auth.uid() and public.is_researcher()) then
    raise exception 'only the researcher who began this stimulus set stores its files' using errcode = '42501';
  end if;
  if not exists (select 1 from public.stimulus_sets s where s.id = p_set_id and s.status = 'building') then
    raise exception 'this stimulus set is recorded already and can no longer change: build a new one' using errcode = '55000';
  end if;
  if jsonb_typeof(p_files) <> 'array' then
    raise exception 'files must be a JSON array of {"path", "base64"}' using errcode = '22023';
  end if;
  for v_file in select * from jsonb_array_elements(p_files) loop
    if coalesce(v_file ->> 'path', '') !~ '^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$' or length(v_file ->> 'path') > 300 then
      raise exception 'a file path must be folders and a name of letters, digits, _ . - (got "%")', coalesce(v_file ->> 'path', '')
        using errcode = '22023', hint = 'field:path';
    end if;
    begin
      v_bytes := decode(v_file ->> 'base64', 'base64');
    exception when others then
      raise exception 'file % is not valid base64', v_file ->> 'path' using errcode = '22023', hint = 'field:base64';
    end;
    if v_bytes is null then
      raise exception 'file % has no content', v_file ->> 'path' using errcode = '22023', hint = 'field:base64';
    end if;
    insert into public.stimulus_files (set_id, path, content, sha256)
    values (p_set_id, v_file ->> 'path', v_bytes, encode(sha256(v_bytes), 'hex'))
    on conflict (set_id, path) do update set content = excluded.content, sha256 = excluded.sha256, created_at = now();
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$$;

create function public.finish_stimulus_set(p_set_id uuid) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_set public.stimulus_sets%rowtype;
  v_file public.stimulus_files%rowtype;
  v_manifest jsonb;
  v_bad text;
  v_images integer;
  v_stimuli integer;
begin
  select * into v_set from public.stimulus_sets where id = p_set_id;
  if not found or v_set.owner_id is distinct from auth.uid() or not public.is_researcher() then
    raise exception 'only the researcher who began this stimulus set records it' using errcode = '42501';
  end if;
  if v_set.status <> 'building' then
    raise exception 'this stimulus set is recorded already' using errcode = '55000';
  end if;
  select * into v_file from public.stimulus_files where set_id = p_set_id and path = 'manifest.json';
  if not found then
    raise exception 'the set''s manifest.json has not been stored' using errcode = '22023', hint = 'field:manifest';
  end if;
  begin
    v_manifest := convert_from(v_file.content, 'UTF8')::jsonb;
  exception when others then
    raise exception 'the set''s manifest.json is not valid JSON' using errcode = '22023', hint = 'field:manifest';
  end;
  if v_manifest ->> 'format' is distinct from 'see-like-people/stimulus-set@1'
     or jsonb_typeof(v_manifest -> 'images') <> 'array' or jsonb_typeof(v_manifest -> 'stimuli') <> 'array'
     or jsonb_typeof(v_manifest -> 'levels') <> 'array' or jsonb_array_length(v_manifest -> 'images') = 0 then
    raise exception 'the set''s manifest.json is not a stimulus set manifest with images, stimuli and levels' using errcode = '22023', hint = 'field:manifest';
  end if;

  -- every file the manifest names is stored, with the manifest's sha256
  select f.path into v_bad
    from (select i ->> 'file' as path, i ->> 'sha256' as sha256 from jsonb_array_elements(v_manifest -> 'images') i
          union all select i ->> 'noise_file', i ->> 'noise_sha256' from jsonb_array_elements(v_manifest -> 'images') i
          union all select i ->> 'map_file', null from jsonb_array_elements(v_manifest -> 'images') i
          union all select s ->> 'file', s ->> 'sha256' from jsonb_array_elements(v_manifest -> 'stimuli') s
          union all select s ->> 'mask_file', s ->> 'mask_sha256' from jsonb_array_elements(v_manifest -> 'stimuli') s) f
    left join public.stimulus_files sf on sf.set_id = p_set_id and sf.path = f.path
   where sf.path is null or (f.sha256 is not null and sf.sha256 <> f.sha256)
   order by f.path limit 1;
  if v_bad is not null then
    raise exception 'file % of the set is missing or differs from its manifest (sha256): upload it again', v_bad
      using errcode = '22023', hint = 'field:files';
  end if;
  select s ->> 'id' into v_bad from jsonb_array_elements(v_manifest -> 'stimuli') s
   where exists (select 1 from public.stimuli x where x.id = (s ->> 'id')::uuid) limit 1;
  if v_bad is not null then
    raise exception 'the stimuli of this build have the ids of another set''s (the set was built under the name "%"): build it with the name "%"',
      v_manifest ->> 'name', v_set.slug using errcode = '23505', hint = 'field:name';
  end if;

  insert into public.images (set_id, image_id, category, imagenet_classes, file, width, height, author, license, source)
  select p_set_id, i ->> 'image_id', i ->> 'category',
         array(select c::integer from jsonb_array_elements_text(coalesce(i -> 'imagenet_classes', '[]')) c),
         i ->> 'file', (i ->> 'width')::integer, (i ->> 'height')::integer,
         coalesce(i -> 'attribution' ->> 'author', ''), coalesce(i -> 'attribution' ->> 'license', ''),
         coalesce(i -> 'attribution' ->> 'source', '')
    from jsonb_array_elements(v_manifest -> 'images') i;
  get diagnostics v_images = row_count;
  insert into public.stimuli (id, set_id, image_id, level_index, reveal, revealed_pixels, shift_x, shift_y, file, mask_file, sha256)
  select (s ->> 'id')::uuid, p_set_id, s ->> 'image_id', (s ->> 'level_index')::integer, (s ->> 'reveal')::double precision,
         (s ->> 'revealed_pixels')::integer, (s ->> 'shift_x')::integer, (s ->> 'shift_y')::integer,
         s ->> 'file', s ->> 'mask_file', s ->> 'sha256'
    from jsonb_array_elements(v_manifest -> 'stimuli') s;
  get diagnostics v_stimuli = row_count;

  update public.stimulus_sets
     set status = 'ready', manifest_sha256 = v_file.sha256, seed = (v_manifest ->> 'seed')::integer,
         levels = array(select l::double precision from jsonb_array_elements_text(v_manifest -> 'levels') l)
   where id = p_set_id;
  return jsonb_build_object('images', v_images, 'stimuli', v_stimuli,
    'files', (select count(*) from public.stimulus_files where set_id = p_set_id));
end
$$;

-- A file of a ready set, base64 (null when there is none): what the app serves at
-- /stimuli/<slug>/<path> when the set is not on its disk. Public like any static file.
create function public.stimulus_file(p_slug text, p_path text) returns text
language sql stable security definer set search_path = '' as $$
  select encode(f.content, 'base64')
    from public.stimulus_files f join public.stimulus_sets s on s.id = f.set_id
   where s.slug = p_slug and s.status = 'ready' and f.path = p_path
$$;

revoke execute on function public.begin_stimulus_set(jsonb), public.store_stimulus_files(uuid, jsonb),
  public.finish_stimulus_set(uuid), public.stimulus_file(text, text) from public;
grant execute on function public.begin_stimulus_set(jsonb), public.store_stimulus_files(uuid, jsonb),
  public.finish_stimulus_set(uuid) to authenticated, service_role;
grant execute on function public.stimulus_file(text, text) to anon, authenticated, service_role;
