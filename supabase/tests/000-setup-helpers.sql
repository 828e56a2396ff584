-- Test helpers (committed once, before the other files run; pg_prove runs files in name order).
-- Modelled on basejump's supabase_test_helpers: create users, act as them, build fixtures.
begin;
select plan(1);

create schema if not exists tests;
grant usage on schema tests to anon, authenticated;

-- A user in auth.users; anonymous participants have no email.
create or replace function tests.create_user(p_email text default null) returns uuid
language plpgsql security definer set search_path = '' as $$
declare v_id uuid := gen_random_uuid();
begin
  insert into auth.users (id, aud, role, email, is_anonymous)
  values (v_id, 'authenticated', 'authenticated', p_email, p_email is null);
  return v_id;
end $$;

create or replace function tests.create_researcher(p_email text) returns uuid
language plpgsql security definer set search_path = '' as $$
declare v_id uuid := tests.create_user(p_email);
begin
  insert into public.researchers (id, email) values (v_id, p_email);
  return v_id;
end $$;

-- Act as a signed-in user for the rest of the transaction, as the API does per request.
create or replace function tests.authenticate_as(p_user uuid) returns void
language plpgsql as $$
begin
  execute 'reset role';
  perform set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated',
    'is_anonymous', (select email is null from auth.users where id = p_user))::text, true);
  execute 'set local role authenticated';
end $$;

create or replace function tests.as_anon() returns void
language plpgsql as $$
begin
  perform set_config('request.jwt.claims', '{"role": "anon"}', true);
  execute 'set local role anon';
end $$;

create or replace function tests.as_superuser() returns void
language plpgsql as $$
begin
  perform set_config('request.jwt.claims', '', true);
  execute 'reset role';
end $$;

-- A stimulus set owned by p_owner with two images (one animal, one not) at two levels,
-- and a live study on it. Returns the study id; stimuli ids are deterministic per set slug.
create or replace function tests.create_study(p_owner uuid, p_slug text, p_status text default 'live') returns uuid
language plpgsql security definer set search_path = '' as $$
declare v_set uuid; v_study uuid;
begin
  insert into public.stimulus_sets (slug, name, owner_id, base_url, levels)
  values (p_slug || '-set', p_slug || ' set', p_owner, '/stimuli/' || p_slug, '{0.1,1}') returning id into v_set;
  insert into public.images (set_id, image_id, category, imagenet_classes, file, width, height)
  values (v_set, 'cat', 'animal', '{281}', 'cat.png', 256, 256),
         (v_set, 'car', 'non_animal', '{817}', 'car.png', 256, 256);
  insert into public.stimuli (set_id, image_id, level_index, reveal, revealed_pixels, file, mask_file, sha256)
  select v_set, i.image_id, l.idx, l.reveal, round(l.reveal * 65536), i.image_id || l.idx || '.png',
         i.image_id || l.idx || '-mask.png', repeat('a', 64)
    from public.images i cross join (values (0, 0.1::float8), (1, 1.0::float8)) as l(idx, reveal)
   where i.set_id = v_set;
  insert into public.studies (slug, owner_id, title, stimulus_set_id, status)
  values (p_slug, p_owner, 'Study ' || p_slug, v_set, p_status::public.study_status) returning id into v_study;
  return v_study;
end $$;

create or replace function tests.stimulus(p_study uuid, p_image text, p_level integer) returns uuid
language sql security definer set search_path = '' as $$
  select s.id from public.stimuli s join public.studies st on st.stimulus_set_id = s.set_id
   where st.id = p_study and s.image_id = p_image and s.level_index = p_level
$$;

-- A well-formed trial object as the experiment sends it.
create or replace function tests.trial(p_index integer, p_stimulus uuid, p_response text default 'animal',
                                       p_id uuid default gen_random_uuid()) returns jsonb
language sql as $$
  select jsonb_build_object('id', p_id, 'trial_index', p_index, 'block', 'main', 'stimulus_id', p_stimulus,
    'response', p_response, 'response_key', 's', 'rt_ms', case when p_response is null then null else 420.5 end,
    'fixation_ms', 1300, 'onset_ms', 1000.0, 'offset_ms', 1400.1, 'duration_ms', 400.1, 'frames', 24,
    'refresh_ms', 16.67, 'data', '{}'::jsonb, 'window_blurs', 0, 'fullscreen_exits', 0)
$$;

grant execute on all functions in schema tests to anon, authenticated;

select pass('test helpers installed');
select * from finish();
commit;
