-- Issue 16 (item 5): an imported model run (backend 'imported') stores answers without scores;
-- the other checks on runs and results still hold.
begin;
select plan(5);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_study(:'alice', 'import-study') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
select tests.stimulus(:'study', 'cat', 0) as stim \gset
insert into public.models (id, name, family) values ('outside-resnet', 'ResNet-50 (imported)', 'CNN');

select tests.authenticate_as(:'alice');
select lives_ok(format($$ insert into public.model_runs (id, model_id, stimulus_set_id, backend, config) values ('00000000-0000-4000-a000-0000000000a1', 'outside-resnet', %L, 'imported', '{"imported": true}') $$, :'set_id'),
  'a researcher stores an imported run');
select lives_ok(format($$ insert into public.model_results (id, run_id, stimulus_id, response, p_animal, top5) values (gen_random_uuid(), '00000000-0000-4000-a000-0000000000a1', %L, 'animal', null, '[]') $$, :'stim'),
  'an imported answer has no P(animal)');
select is((select correct from public.model_results where run_id = '00000000-0000-4000-a000-0000000000a1'), true, 'correctness is still set from the stimulus');
select throws_ok(format($$ insert into public.model_results (id, run_id, stimulus_id, response, p_animal, top5) values (gen_random_uuid(), '00000000-0000-4000-a000-0000000000a1', %L, 'animal', 2, '[]') $$, :'stim'),
  '23514', null, 'a P(animal) outside [0, 1] is still refused');
select throws_ok(format($$ insert into public.model_runs (id, model_id, stimulus_set_id, backend) values (gen_random_uuid(), 'outside-resnet', %L, 'tpu') $$, :'set_id'),
  '23514', null, 'an unknown backend is still refused');

select * from finish();
rollback;
