-- A researcher's own stimulus set: begun, its files stored, finished against its manifest, then
-- served; each step refused to everyone else and for every malformed input.
begin;
select plan(24);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_user() as player \gset

-- the files of a one-image, one-level set, and its manifest naming them with their sha256
create temporary table f (path text, content bytea) on commit drop;
insert into f values ('images/cat.png', 'photo'), ('noise/cat.png', 'noise'), ('maps/cat.png', 'map'),
                     ('stimuli/cat/0.png', 'stimulus'), ('masks/cat/0.png', 'mask');
create or replace function pg_temp.sha(p text) returns text language sql as
  $$ select encode(sha256(content), 'hex') from f where path = p $$;
create or replace function pg_temp.files(p_paths text[]) returns jsonb language sql as
  $$ select jsonb_agg(jsonb_build_object('path', path, 'base64', encode(content, 'base64'))) from f where path = any (p_paths) $$;
create or replace function pg_temp.manifest(p_stimulus_sha text default null) returns jsonb language sql as $$
  select jsonb_build_array(jsonb_build_object('path', 'manifest.json', 'base64', encode(convert_to(jsonb_build_object(
    'format', 'see-like-people/stimulus-set@1', 'name', 'alice-own', 'seed', 3, 'levels', jsonb_build_array(1),
    'map_source', 'uploaded', 'seeding', '',
    'images', jsonb_build_array(jsonb_build_object('image_id', 'cat', 'category', 'animal', 'imagenet_classes', jsonb_build_array(281),
      'width', 8, 'height', 8, 'file', 'images/cat.png', 'sha256', pg_temp.sha('images/cat.png'),
      'noise_file', 'noise/cat.png', 'noise_sha256', pg_temp.sha('noise/cat.png'), 'map_file', 'maps/cat.png',
      'attribution', jsonb_build_object('author', 'Alice', 'license', 'CC0', 'source', ''))),
    'stimuli', jsonb_build_array(jsonb_build_object('id', 'a0000000-0000-5000-8000-000000000001', 'image_id', 'cat',
      'category', 'animal', 'level_index', 0, 'reveal', 1, 'revealed_pixels', 64, 'shift_x', 0, 'shift_y', 0, 'seed', 3,
      'file', 'stimuli/cat/0.png', 'sha256', coalesce(p_stimulus_sha, pg_temp.sha('stimuli/cat/0.png')),
      'mask_file', 'masks/cat/0.png', 'mask_sha256', pg_temp.sha('masks/cat/0.png'))))::text, 'UTF8'), 'base64')))
$$;
select pg_temp.files(array['images/cat.png', 'noise/cat.png', 'maps/cat.png', 'stimuli/cat/0.png']) as four,
       pg_temp.files(array['images/cat.png']) as cat, pg_temp.files(array['masks/cat/0.png']) as mask,
       pg_temp.manifest() as manifest, pg_temp.manifest(repeat('0', 64)) as wrong_manifest \gset

select tests.as_anon();
select throws_ok($$ select public.begin_stimulus_set('{"slug": "anon-set", "name": "x", "map_source": "uploaded"}') $$,
  '42501', null, 'anon cannot begin a set');
select tests.authenticate_as(:'player');
select throws_ok($$ select public.begin_stimulus_set('{"slug": "player-set", "name": "x", "map_source": "uploaded"}') $$,
  '42501', 'only a signed-in researcher records stimulus sets', 'a participant cannot begin a set');

select tests.authenticate_as(:'alice');
select throws_ok($$ select public.begin_stimulus_set('{"slug": "Alice Set", "name": "x", "map_source": "uploaded"}') $$,
  '22023', 'the short name must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter or digit (got "Alice Set")',
  'a malformed slug is refused in a sentence naming it');
select throws_ok($$ select public.begin_stimulus_set('{"slug": "alice-x", "name": " ", "map_source": "uploaded"}') $$,
  '22023', 'the set''s name must be 1 to 200 characters', 'an empty name is refused');
select throws_ok($$ select public.begin_stimulus_set('{"slug": "alice-x", "name": "x", "map_source": "guesswork"}') $$,
  '22023', 'the map source must be uploaded, clickme, model or center-bias (got "guesswork")', 'an unknown map source is refused');
select throws_ok($$ select public.begin_stimulus_set('{"slug": "alice-x", "name": "x", "map_source": "clickme"}') $$,
  '22023', 'maps from ClickMe need the set they come from, one you own or a demo set', 'ClickMe maps need their set');
select throws_ok($$ select public.begin_stimulus_set('{"slug": "alice-x", "name": "x", "map_source": "model", "map_source_set_id": "00000000-0000-4000-b000-000000000001"}') $$,
  '22023', 'a model''s saliency needs the model''s id, and only that source has one', 'a model source needs its model');
select throws_ok($$ select public.begin_stimulus_set('{"slug": "demo", "name": "x", "map_source": "uploaded"}') $$,
  '23505', 'a stimulus set with the short name "demo" exists already: choose another', 'a taken slug is named');
select lives_ok($$ select public.begin_stimulus_set('{"slug": "alice-clickme", "name": "From ClickMe", "map_source": "clickme", "map_source_set_id": "00000000-0000-4000-b000-000000000001"}') $$,
  'ClickMe maps of the demo set are a valid source');
select public.begin_stimulus_set('{"slug": "alice-own", "name": "Alice''s photos", "map_source": "uploaded", "seed": 3}') as set_id \gset
select throws_ok($$ insert into public.stimulus_sets (slug, name, owner_id, base_url) values ('alice-ready', 'x', auth.uid(), '/x') $$,
  '42501', null, 'a researcher cannot insert a set that is ready without its files being checked');
select throws_ok($$ select * from public.stimulus_files $$, '42501', null, 'nobody reads the files table directly');

select tests.authenticate_as(:'bob');
select throws_ok(format($$ select public.store_stimulus_files(%L, %L) $$, :'set_id', :'cat'),
  '42501', null, 'another researcher cannot store files into the set');
select tests.authenticate_as(:'alice');
select throws_ok(format($$ select public.store_stimulus_files(%L, '[{"path": "../etc/passwd", "base64": "eA=="}]') $$, :'set_id'),
  '22023', 'a file path must be folders and a name of letters, digits, _ . - (got "../etc/passwd")', 'a path leaving the set is refused');
select throws_ok(format($$ select public.store_stimulus_files(%L, '[{"path": "a.png", "base64": "***"}]') $$, :'set_id'),
  '22023', 'file a.png is not valid base64', 'content that is not base64 is refused');
select throws_ok(format($$ select public.finish_stimulus_set(%L) $$, :'set_id'),
  '22023', 'the set''s manifest.json has not been stored', 'a set without its manifest is not finished');
select is(public.store_stimulus_files(:'set_id', :'four'::jsonb),
  4, 'the owner stores her files');
select public.store_stimulus_files(:'set_id', :'manifest');
select throws_ok(format($$ select public.finish_stimulus_set(%L) $$, :'set_id'),
  '22023', 'file masks/cat/0.png of the set is missing or differs from its manifest (sha256): upload it again', 'a missing file is named');
select public.store_stimulus_files(:'set_id', :'mask');
select public.store_stimulus_files(:'set_id', :'wrong_manifest');
select throws_ok(format($$ select public.finish_stimulus_set(%L) $$, :'set_id'),
  '22023', 'file stimuli/cat/0.png of the set is missing or differs from its manifest (sha256): upload it again', 'a file that differs from the manifest is named');

select tests.as_anon();
select is(public.stimulus_file('alice-own', 'images/cat.png'), null, 'a set still building serves nothing');

select tests.authenticate_as(:'alice');
select public.store_stimulus_files(:'set_id', :'manifest');
select is(public.finish_stimulus_set(:'set_id'), '{"files": 6, "images": 1, "stimuli": 1}'::jsonb, 'the owner finishes her set');
select results_eq(format($$ select status::text, levels, seed, map_source::text from public.stimulus_sets where id = %L $$, :'set_id'),
  $$ values ('ready', '{1}'::float8[], 3, 'uploaded') $$, 'the finished set is ready, with the manifest''s levels and seed and its map source');
select results_eq(format($$ select i.image_id, i.author, s.file from public.images i join public.stimuli s using (set_id, image_id) where set_id = %L $$, :'set_id'),
  $$ values ('cat', 'Alice', 'stimuli/cat/0.png') $$, 'its images and stimuli are recorded from the manifest');
select throws_ok(format($$ select public.store_stimulus_files(%L, %L) $$, :'set_id', :'cat'),
  '55000', 'this stimulus set is recorded already and can no longer change: build a new one', 'a ready set never changes');

select tests.as_anon();
select is(public.stimulus_file('alice-own', 'images/cat.png'), encode('photo'::bytea, 'base64'), 'anyone fetches a file of a ready set, as from a static folder');

select * from finish();
rollback;
