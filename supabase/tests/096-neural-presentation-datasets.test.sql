-- Neural datasets without positions (issue 18 item 4, migration 20261201050000): presentation x
-- neuroid recordings stored beside spatial ones, from NetCDF or .npy; every malformed field refused
-- with a sentence naming it, both ways; the owner only.
begin;
select plan(12);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset

-- a .npy version 1.0 with a 118-byte header, then 48 bytes: 2 repetitions x 3 images x 2 neuroids, float32
select encode('\x934e554d505901007600'::bytea || decode(repeat('20', 118) || repeat('00', 48), 'hex'), 'base64') as npy \gset
create or replace function pg_temp.dataset(p_changes jsonb default '{}') returns jsonb language sql as $$
  select jsonb_build_object('name', 'IT assembly', 'area', 'IT', 'kind', 'presentation', 'repetitions', 2, 'neurons', 2,
    'image_names', jsonb_build_array('a', 'b', 'c'), 'image_labels', jsonb_build_array('face', 'face', 'car'),
    'time_start_ms', 70, 'time_end_ms', 170, 'synthetic', false, 'source_format', 'netcdf4', 'responses_base64', current_setting('tests.npy')) || p_changes
$$;
select set_config('tests.npy', :'npy', true);

select tests.authenticate_as(:'alice');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"kind": "temporal"}')) $$, '22023',
  'the kind must be spatial or presentation (got "temporal")', 'an unknown kind is refused, named');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"repetitions": 0}')) $$, '22023',
  'presentation x neuroid recordings need 1 to 10000 repetitions (got 0)', 'no repetitions is refused');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"image_labels": ["face"]}')) $$, '22023',
  'image labels belong to presentation x neuroid recordings, one of 1 to 300 characters per image (3 images)', 'labels that do not cover the images are refused');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"kind": "spatial", "grid": 1, "repetitions": null}')) $$, '22023',
  'image labels belong to presentation x neuroid recordings, one of 1 to 300 characters per image (3 images)', 'a spatial dataset takes no labels');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"repetitions": 3}')) $$, '22023',
  'the responses must be a float32 .npy of 3 x 3 x 2 values (repetition, image, neuroid)', 'responses too short for the shape are refused');
select throws_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"source_format": "zarr"}')) $$, '22023',
  'the source format must be npy, mat-v5, mat-v73, netcdf3 or netcdf4 (got "zarr")', 'an unknown format is refused');

select public.save_neural_dataset(pg_temp.dataset()) as ds \gset
select results_eq(format($$ select kind::text, grid, repetitions, image_labels, source_format::text from public.neural_datasets where id = %L $$, :'ds'),
  $$ values ('presentation', null::integer, 2, array['face', 'face', 'car'], 'netcdf4') $$, 'alice stores a presentation x neuroid assembly');
select lives_ok($$ select public.save_neural_dataset(pg_temp.dataset('{"image_labels": null, "source_format": "npy", "name": "no labels"}')) $$,
  'labels are optional');
select is((select kind::text from public.neural_datasets where name = 'no labels'), 'presentation', 'its kind is kept');
select throws_ok(format($$ update public.neural_datasets set grid = 2 where id = %L $$, :'ds'), '42501', null, 'a stored dataset is not edited in place');

select tests.authenticate_as(:'bob');
select is((select count(*)::int from public.neural_datasets), 0, 'bob sees none of alice''s datasets');
select throws_ok(format($$ select public.neural_dataset_files(%L) $$, :'ds'), '42501', null, 'bob cannot read alice''s responses');

select * from finish();
rollback;
