-- Issue 17 (items 13, 14): run status as an enum, a failed run's reason, and deleting failed runs
-- (their owner only, failed only), with their results and saliency maps.
begin;
select plan(12);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_study(:'alice', 'history-study') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
select tests.stimulus(:'study', 'cat', 0) as stim \gset
insert into public.models (id, name, family) values ('history-net', 'History net', 'CNN');

select tests.authenticate_as(:'alice');
insert into public.model_runs (id, model_id, stimulus_set_id, backend, config)
  values ('00000000-0000-4000-a000-0000000000f1', 'history-net', :'set_id', 'wasm', '{"backend_choice": {"chosen": "wasm", "rule": "probe"}}'),
         ('00000000-0000-4000-a000-0000000000d1', 'history-net', :'set_id', 'wasm', '{}');
insert into public.model_results (id, run_id, stimulus_id, response, p_animal, top5)
  values (gen_random_uuid(), '00000000-0000-4000-a000-0000000000f1', :'stim', 'animal', 0.9, '[]');
insert into public.importance_maps (set_id, image_id, source, width, height, png, params)
  values (:'set_id', 'cat', 'model:history-net', 2, 2, '\x00', '{"run_id": "00000000-0000-4000-a000-0000000000f1"}');

select is((select pg_typeof(status)::text from public.model_runs limit 1), 'model_run_status', 'a run''s status is an enum');
select throws_ok($$ update public.model_runs set status = 'crashed' where id = '00000000-0000-4000-a000-0000000000f1' $$,
  '22P02', null, 'a status outside the list is refused');
select throws_ok($$ update public.model_runs set error = 'out of memory' where id = '00000000-0000-4000-a000-0000000000d1' $$,
  '23514', null, 'only a failed run has an error');
select lives_ok($$ update public.model_runs set status = 'failed', error = 'could not load history-net' where id = '00000000-0000-4000-a000-0000000000f1' $$,
  'the owner marks her run failed, saying why');
update public.model_runs set status = 'done' where id = '00000000-0000-4000-a000-0000000000d1';

select tests.authenticate_as(:'bob');
delete from public.model_runs where id = '00000000-0000-4000-a000-0000000000f1';
select tests.authenticate_as(:'alice');
select is((select count(*)::int from public.model_runs where id = '00000000-0000-4000-a000-0000000000f1'), 1, 'another researcher cannot delete her failed run');

delete from public.model_runs where id = '00000000-0000-4000-a000-0000000000d1';
select is((select count(*)::int from public.model_runs where id = '00000000-0000-4000-a000-0000000000d1'), 1, 'a finished run cannot be deleted, even by its owner');

select lives_ok($$ delete from public.model_runs where id = '00000000-0000-4000-a000-0000000000f1' $$, 'the owner deletes her failed run');
select is((select count(*)::int from public.model_runs where id = '00000000-0000-4000-a000-0000000000f1'), 0, 'the failed run is gone');
select tests.as_superuser();
select is((select count(*)::int from public.model_results where run_id = '00000000-0000-4000-a000-0000000000f1'), 0, 'its results went with it');
select is((select count(*)::int from public.importance_maps where params ->> 'run_id' = '00000000-0000-4000-a000-0000000000f1'), 0, 'its saliency maps went with it');
select is((select count(*)::int from public.model_runs where id = '00000000-0000-4000-a000-0000000000d1'), 1, 'the finished run is still there');

select tests.as_anon();
select throws_ok($$ delete from public.model_runs $$, '42501', null, 'an anonymous caller cannot delete runs');

select * from finish();
rollback;
