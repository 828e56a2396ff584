-- Model runs, model results and importance maps: researchers own theirs; participants nothing.
begin;
select plan(10);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_user() as participant \gset
select tests.create_study(:'alice', 'alice-study') as study \gset
select tests.stimulus(:'study', 'cat', 1) as cat1 \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
select gen_random_uuid() as run \gset

select tests.authenticate_as(:'alice');
select lives_ok($$ insert into public.models (id, name, family, added_by) values ('tiny-net', 'Tiny', 'CNN', auth.uid()) $$,
  'a researcher adds a model');
select lives_ok(format($$ insert into public.model_runs (id, model_id, stimulus_set_id, backend) values (%L, 'tiny-net', %L, 'cpu') $$,
  :'run', :'set_id'), 'a researcher starts a run on a set she can read');
select lives_ok(format($$ insert into public.model_results (id, run_id, stimulus_id, response, p_animal, top5, correct)
                          values (gen_random_uuid(), %L, %L, 'non_animal', 0.2, '[]', true) $$, :'run', :'cat1'),
  'a researcher stores a result of her run');
select is((select correct from public.model_results), false, 'the server, not the client, decides correctness');
select lives_ok(format($$ insert into public.importance_maps (set_id, image_id, source, width, height, png)
                          values (%L, 'cat', 'model:tiny-net', 2, 2, '\x00') $$, :'set_id'),
  'a researcher stores a model saliency map');
select throws_ok(format($$ insert into public.importance_maps (set_id, image_id, source, width, height, png)
                           values (%L, 'car', 'clickme', 2, 2, '\x00') $$, :'set_id'),
  '42501', null, 'human (clickme) maps cannot be uploaded as if collected');

select tests.authenticate_as(:'bob');
select is_empty($$ select * from public.model_runs $$, 'another researcher sees no run of hers');
select throws_ok(format($$ insert into public.model_results (id, run_id, stimulus_id, response, p_animal, top5)
                           values (gen_random_uuid(), %L, %L, 'animal', 0.9, '[]') $$, :'run', :'cat1'),
  '42501', null, 'another researcher cannot add results to her run');

select tests.authenticate_as(:'participant');
select is_empty($$ select * from public.models $$, 'a participant sees no models');
select throws_ok(format($$ insert into public.model_runs (id, model_id, stimulus_set_id, backend) values (gen_random_uuid(), 'tiny-net', %L, 'cpu') $$,
  :'set_id'), '42501', null, 'a participant cannot start a model run');

select * from finish();
rollback;
