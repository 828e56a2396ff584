-- Issue 18: neural predictivity. A researcher's recordings (or the synthetic demos), stored for the
-- page /dashboard/neural (src/neural/README.md says what they are).
--
-- neural_datasets holds what a dataset is (name, area, kind, grid or repetitions, neurons, images,
-- time window, synthetic or not, the format it was imported from) and its responses as a float32
-- .npy file (bytea), by kind:
--   spatial       R[image, gy, gx, neuron]: grid set, repetitions and image_labels null;
--   presentation  R[repetition, image, neuroid] (Brain-Score's standard variant): grid null,
--                 repetitions the first axis, image_labels optionally one category per image
--                 (Brain-Score's object_name, which stratifies the splits).
-- The importers (src/neural/recordings.ts, assembly.ts) turn every format (npy, MATLAB 5 / 7.3,
-- NetCDF 3 / 4 assemblies; an assembly with positions is spatial) into one of those arrays in the
-- browser, so the database keeps two layouts. neural_dataset_images holds its
-- stimulus images by name (the models need them). As for stimulus sets, files are bytea because the
-- local stand-in has no Storage API.
--
-- Written through two SECURITY DEFINER functions that check every field with a sentence naming it:
--   save_neural_dataset(p_dataset)          the rows and the responses (base64); returns the id;
--   store_neural_dataset_images(id, images) its images [{name, base64}], a few per request, each
--                                           one of the dataset's image names.
-- Read: the rows by select (row-level security: the owner only), the bytes by
-- neural_dataset_files(id) (the owner only). Deleted by the owner (images go with it).

create type public.neural_dataset_format as enum ('npy', 'mat-v5', 'mat-v73', 'netcdf3', 'netcdf4');
create type public.neural_dataset_kind as enum ('spatial', 'presentation');

create table public.neural_datasets (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references public.researchers (id) on delete cascade,
  name text not null constraint neural_datasets_name check (length(btrim(name)) between 1 and 200),
  area text not null constraint neural_datasets_area check (length(btrim(area)) between 1 and 100),
  kind public.neural_dataset_kind not null default 'spatial',
  grid integer,
  repetitions integer,
  neurons integer not null constraint neural_datasets_neurons check (neurons between 2 and 100000),
  image_names text[] not null constraint neural_datasets_images
    check (cardinality(image_names) between 2 and 10000 and array_position(image_names, null) is null),
  image_labels text[],
  time_start_ms real,
  time_end_ms real,
  synthetic boolean not null default false,
  source_format public.neural_dataset_format not null,
  responses bytea not null,
  created_at timestamptz not null default now(),
  constraint neural_datasets_shape check (
    (kind = 'spatial' and grid between 1 and 256 and repetitions is null and image_labels is null)
    or (kind = 'presentation' and grid is null and repetitions between 1 and 10000)),
  constraint neural_datasets_labels check (
    image_labels is null or (cardinality(image_labels) = cardinality(image_names) and array_position(image_labels, null) is null)),
  constraint neural_datasets_time_window check (
    (time_start_ms is null and time_end_ms is null and synthetic)
    or (time_start_ms is not null and time_end_ms is not null and time_start_ms < time_end_ms))
);
comment on table public.neural_datasets is 'Recordings (or the synthetic demos) for neural predictivity, as a float32 .npy in responses.';
comment on column public.neural_datasets.kind is 'spatial: responses are R[image, gy, gx, neuron]; presentation: R[repetition, image, neuroid] (Brain-Score''s standard variant).';
alter table public.neural_datasets enable row level security;
grant select (id, owner_id, name, area, kind, grid, repetitions, neurons, image_names, image_labels, time_start_ms, time_end_ms, synthetic, source_format, created_at),
  delete on public.neural_datasets to authenticated;
create policy neural_datasets_select_own on public.neural_datasets for select to authenticated using (owner_id = auth.uid());
create policy neural_datasets_delete_own on public.neural_datasets for delete to authenticated using (owner_id = auth.uid());

create table public.neural_dataset_images (
  dataset_id uuid not null references public.neural_datasets (id) on delete cascade,
  name text not null,
  content bytea not null,
  primary key (dataset_id, name)
);
comment on table public.neural_dataset_images is 'The stimulus images of a neural dataset, by the names its image_names lists.';
alter table public.neural_dataset_images enable row level security;
-- no grants: written through store_neural_dataset_images, read through neural_dataset_files

create function public.save_neural_dataset(p_dataset jsonb) returns uuid
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_name text := btrim(coalesce(p_dataset ->> 'name', ''));
  v_area text := btrim(coalesce(p_dataset ->> 'area', ''));
  v_kind text := coalesce(p_dataset ->> 'kind', 'spatial');
  v_grid integer;
  v_reps integer;
  v_neurons integer;
  v_images text[];
  v_labels text[];
  v_synthetic boolean := coalesce((p_dataset ->> 'synthetic')::boolean, false);
  v_start real := (p_dataset ->> 'time_start_ms')::real;
  v_end real := (p_dataset ->> 'time_end_ms')::real;
  v_format text := p_dataset ->> 'source_format';
  v_bytes bytea;
  v_values bigint;
  v_id uuid;
begin
  if not public.is_researcher() then
    raise exception 'only a signed-in researcher stores neural datasets' using errcode = '42501';
  end if;
  if length(v_name) not between 1 and 200 then
    raise exception 'the dataset''s name must be 1 to 200 characters' using errcode = '22023', hint = 'field:name';
  end if;
  if length(v_area) not between 1 and 100 then
    raise exception 'the recorded area must be named (1 to 100 characters)' using errcode = '22023', hint = 'field:area';
  end if;
  if v_kind not in ('spatial', 'presentation') then
    raise exception 'the kind must be spatial or presentation (got "%")', v_kind using errcode = '22023', hint = 'field:kind';
  end if;
  if v_kind = 'spatial' then
    if jsonb_typeof(p_dataset -> 'grid') is distinct from 'number' or (p_dataset ->> 'grid')::numeric not between 1 and 256
       or (p_dataset ->> 'grid')::numeric % 1 <> 0 then
      raise exception 'the grid must be a whole number of positions from 1 to 256 (got %)', coalesce(p_dataset ->> 'grid', 'nothing')
        using errcode = '22023', hint = 'field:grid';
    end if;
    v_grid := (p_dataset ->> 'grid')::integer;
  else
    if jsonb_typeof(p_dataset -> 'repetitions') is distinct from 'number' or (p_dataset ->> 'repetitions')::numeric not between 1 and 10000
       or (p_dataset ->> 'repetitions')::numeric % 1 <> 0 then
      raise exception 'presentation x neuroid recordings need 1 to 10000 repetitions (got %)', coalesce(p_dataset ->> 'repetitions', 'nothing')
        using errcode = '22023', hint = 'field:repetitions';
    end if;
    v_reps := (p_dataset ->> 'repetitions')::integer;
  end if;
  if jsonb_typeof(p_dataset -> 'neurons') is distinct from 'number' or (p_dataset ->> 'neurons')::numeric not between 2 and 100000
     or (p_dataset ->> 'neurons')::numeric % 1 <> 0 then
    raise exception 'a dataset needs 2 to 100000 neurons (got %)', coalesce(p_dataset ->> 'neurons', 'nothing')
      using errcode = '22023', hint = 'field:neurons';
  end if;
  v_neurons := (p_dataset ->> 'neurons')::integer;
  if jsonb_typeof(p_dataset -> 'image_names') is distinct from 'array' then
    raise exception 'the image names must be a list' using errcode = '22023', hint = 'field:image_names';
  end if;
  select array_agg(value order by ordinality) into v_images from jsonb_array_elements_text(p_dataset -> 'image_names') with ordinality;
  if coalesce(cardinality(v_images), 0) < 2 or exists (select 1 from unnest(v_images) n where length(n) not between 1 and 300)
     or (select count(distinct n) from unnest(v_images) n) <> cardinality(v_images) then
    raise exception 'a dataset needs at least 2 images with distinct names of 1 to 300 characters' using errcode = '22023', hint = 'field:image_names';
  end if;
  if jsonb_typeof(p_dataset -> 'image_labels') = 'array' then
    select array_agg(value order by ordinality) into v_labels from jsonb_array_elements_text(p_dataset -> 'image_labels') with ordinality;
    if v_kind <> 'presentation' or coalesce(cardinality(v_labels), 0) <> cardinality(v_images)
       or exists (select 1 from unnest(v_labels) l where length(l) not between 1 and 300) then
      raise exception 'image labels belong to presentation x neuroid recordings, one of 1 to 300 characters per image (% images)', cardinality(v_images)
        using errcode = '22023', hint = 'field:image_labels';
    end if;
  end if;
  if v_format is null or v_format not in ('npy', 'mat-v5', 'mat-v73', 'netcdf3', 'netcdf4') then
    raise exception 'the source format must be npy, mat-v5, mat-v73, netcdf3 or netcdf4 (got "%")', coalesce(v_format, '') using errcode = '22023', hint = 'field:source_format';
  end if;
  if not ((v_start is null and v_end is null and v_synthetic) or (v_start is not null and v_end is not null and v_start < v_end)) then
    raise exception 'the time window must be a start before an end, in ms (only synthetic data has none)' using errcode = '22023', hint = 'field:time_window_ms';
  end if;
  begin
    v_bytes := decode(coalesce(p_dataset ->> 'responses_base64', ''), 'base64');
  exception when others then
    raise exception 'the responses are not base64 text' using errcode = '22023', hint = 'field:responses';
  end;
  -- a float32 .npy (src/neural/npy.ts): the magic, version 1.0 with a 2-byte little-endian header
  -- length at bytes 8-9, then at least 4 bytes per value after the header
  v_values := case when v_kind = 'spatial' then cardinality(v_images)::bigint * v_grid * v_grid * v_neurons
                   else v_reps::bigint * cardinality(v_images) * v_neurons end;
  if octet_length(v_bytes) < 10 or substring(v_bytes from 1 for 8) <> '\x934e554d50590100'::bytea
     or octet_length(v_bytes) - 10 - (get_byte(v_bytes, 8) + 256 * get_byte(v_bytes, 9)) < 4 * v_values then
    if v_kind = 'spatial' then
      raise exception 'the responses must be a float32 .npy of % x % x % x % values', cardinality(v_images), v_grid, v_grid, v_neurons
        using errcode = '22023', hint = 'field:responses';
    end if;
    raise exception 'the responses must be a float32 .npy of % x % x % values (repetition, image, neuroid)', v_reps, cardinality(v_images), v_neurons
      using errcode = '22023', hint = 'field:responses';
  end if;
  insert into public.neural_datasets (owner_id, name, area, kind, grid, repetitions, neurons, image_names, image_labels, time_start_ms, time_end_ms, synthetic, source_format, responses)
  values (auth.uid(), v_name, v_area, v_kind::public.neural_dataset_kind, v_grid, v_reps, v_neurons, v_images, v_labels, v_start, v_end, v_synthetic,
          v_format::public.neural_dataset_format, v_bytes)
  returning id into v_id;
  return v_id;
end $$;
revoke all on function public.save_neural_dataset(jsonb) from public;
grant execute on function public.save_neural_dataset(jsonb) to authenticated;

create function public.store_neural_dataset_images(p_dataset uuid, p_images jsonb) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_names text[];
  v_item jsonb;
  v_count integer := 0;
begin
  select image_names into v_names from public.neural_datasets where id = p_dataset and owner_id = auth.uid();
  if v_names is null then
    raise exception 'no neural dataset of yours has the id %', p_dataset using errcode = '42501';
  end if;
  if jsonb_typeof(p_images) is distinct from 'array' then
    raise exception 'the images must be a list of {name, base64}' using errcode = '22023', hint = 'field:images';
  end if;
  for v_item in select value from jsonb_array_elements(p_images) loop
    if not (v_item ->> 'name' = any (v_names)) then
      raise exception 'the dataset has no image named "%"', coalesce(v_item ->> 'name', '') using errcode = '22023', hint = 'field:images.name';
    end if;
    begin
      insert into public.neural_dataset_images (dataset_id, name, content)
      values (p_dataset, v_item ->> 'name', decode(coalesce(v_item ->> 'base64', ''), 'base64'))
      on conflict (dataset_id, name) do update set content = excluded.content;
    exception when invalid_parameter_value then
      raise exception 'image "%" is not base64 text', v_item ->> 'name' using errcode = '22023', hint = 'field:images.base64';
    end;
    v_count := v_count + 1;
  end loop;
  return v_count;
end $$;
revoke all on function public.store_neural_dataset_images(uuid, jsonb) from public;
grant execute on function public.store_neural_dataset_images(uuid, jsonb) to authenticated;

create function public.neural_dataset_files(p_dataset uuid) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  v_result jsonb;
begin
  select jsonb_build_object(
    'responses_base64', encode(d.responses, 'base64'),
    'images', coalesce((select jsonb_agg(jsonb_build_object('name', i.name, 'base64', encode(i.content, 'base64')) order by array_position(d.image_names, i.name))
                        from public.neural_dataset_images i where i.dataset_id = d.id), '[]'::jsonb))
  into v_result
  from public.neural_datasets d where d.id = p_dataset and d.owner_id = auth.uid();
  if v_result is null then
    raise exception 'no neural dataset of yours has the id %', p_dataset using errcode = '42501';
  end if;
  return v_result;
end $$;
revoke all on function public.neural_dataset_files(uuid) from public;
grant execute on function public.neural_dataset_files(uuid) to authenticated;
