-- Neural datasets (issue 18): saved and read by their owner only, every malformed field refused
-- with a sentence naming it.
begin;
select plan(20);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_user() as player \gset

-- a .npy version 1.0 with a 118-byte header (its text is not read here), then 64 bytes: 2 x 2 x 2 x 2 float32
select encode('\x934e554d505901007600'::bytea || decode(repeat('20', 118) || repeat('00', 64), 'hex'), 'base64') as npy \gset
create or replace function pg_temp.dataset(p_changes jsonb default '{}') returns jsonb language sql as $$
  select jsonb_build_object('name', 'Monkey 1 ML', 'area', 'ML', 'grid', 2, 'neurons', 2, 'image_names', jsonb_build_array('a.png', 'b.png'),
    'time_start_ms', 130, 'time_end_ms', 170, 'synthetic', false, 'source_format', 'npy', 'responses_base64', current_setting('tests.npy')) || p_changes
$$;
select set_config('tests.npy', :'npy', true);

select tests.as_anon();
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset()) $$, '42501', null, 'anon cannot save a dataset');
select tests.authenticate_as(:'player');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset()) $$, '42501', 'only a signed-in researcher stores neural datasets', 'a participant cannot save a dataset');

select tests.authenticate_as(:'alice');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"grid": 0}')) $$, '22023',
  'the grid must be a whole number of positions from 1 to 256 (got 0)', 'a grid of 0 is refused, named');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"neurons": 1}')) $$, '22023',
  'a dataset needs 2 to 100000 neurons (got 1)', 'one neuron is refused');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"image_names": ["a.png", "a.png"]}')) $$, '22023',
  'a dataset needs at least 2 images with distinct names of 1 to 300 characters', 'a repeated image name is refused');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"time_start_ms": null, "time_end_ms": null}')) $$, '22023',
  'the time window must be a start before an end, in ms (only synthetic data has none)', 'recordings need a time window');
select lives_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"time_start_ms": null, "time_end_ms": null, "synthetic": true, "name": "synthetic demo"}')) $$,
  'synthetic data may have no time window');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"source_format": "csv"}')) $$, '22023',
  'the source format must be npy, mat-v5, mat-v73, netcdf3 or netcdf4 (got "csv")', 'an unknown format is refused');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"grid": 3}')) $$, '22023',
  'the responses must be a float32 .npy of 2 x 3 x 3 x 2 values', 'responses too short for the shape are refused');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"responses_base64": "not base64!"}')) $$, '22023',
  'the responses are not base64 text', 'responses that are not base64 are refused');

select public.save_neural_dataset(pg_temp.dataset()) as ds \gset
select is((select count(*)::int from public.neural_datasets), 2, 'alice sees her two datasets');
select is(public.store_neural_dataset_images(:'ds', jsonb_build_array(jsonb_build_object('name', 'a.png', 'base64', encode('A', 'base64')),
  jsonb_build_object('name', 'b.png', 'base64', encode('B', 'base64')))), 2, 'alice stores the two images');
select throws_ok(format($$ select public.store_neural_dataset_images(%L, '[{"name": "c.png", "base64": ""}]') $$, :'ds'), '22023',
  'the dataset has no image named "c.png"', 'an image the dataset does not name is refused');
select is((select public.neural_dataset_files(:'ds') -> 'images' -> 1 ->> 'name'), 'b.png', 'alice reads her images back in the dataset''s order');
select is(decode(public.neural_dataset_files(:'ds') ->> 'responses_base64', 'base64'), decode(:'npy', 'base64'), 'alice reads her responses back');
select throws_ok($$ select responses from public.neural_datasets $$, '42501', null, 'the responses are read through neural_dataset_files only');

select tests.authenticate_as(:'bob');
select is((select count(*)::int from public.neural_datasets), 0, 'bob sees none of alice''s datasets');
select throws_ok(format($$ select public.neural_dataset_files(%L) $$, :'ds'), '42501', null, 'bob cannot read alice''s files');
select throws_ok(format($$ select public.store_neural_dataset_images(%L, '[{"name": "a.png", "base64": ""}]') $$, :'ds'), '42501', null,
  'bob cannot store images in alice''s dataset');

select tests.authenticate_as(:'alice');
delete from public.neural_datasets where id = :'ds';
select is((select count(*)::int from public.neural_datasets), 1, 'alice deletes her dataset (its images go with it)');

select * from finish();
rollback;
