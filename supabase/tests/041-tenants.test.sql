-- Issue 13, finding 4: research data around a set is its owner's. Bob (another researcher) is
-- refused on Alice's set even while her live study makes its stimuli readable; Alice is allowed.
-- Demo sets stay common ground for every researcher. Models: insert-if-absent, updated by their
-- registrar only.
begin;
select plan(29);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_user() as player \gset
select tests.create_study(:'alice', 'alice-live') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
select '00000000-0000-4000-b000-000000000001' as demo_set \gset
select gen_random_uuid() as round, gen_random_uuid() as demo_round \gset

-- fixtures written as the database owner, as the ClickMe API would for a player
insert into public.players (id, nickname) values (:'player', 'painter');
insert into public.clickme_rounds (id, player_id, set_id, image_id, mode, brush_radius)
values (:'round', :'player', :'set_id', 'cat', 'game', 11);
insert into public.clickme_strokes (id, round_id, stroke_index, radius, points)
values (gen_random_uuid(), :'round', 0, 11, '[[10, 10, 0]]');
insert into public.importance_maps (set_id, image_id, source, width, height, png, created_by)
values (:'set_id', 'cat', 'model:tiny', 2, 2, '\x01', :'alice');
insert into public.images (set_id, image_id, category, file, width, height)
values (:'demo_set', 'demo-cat', 'animal', 'c.png', 100, 100);
insert into public.clickme_rounds (id, player_id, set_id, image_id, mode, brush_radius)
values (:'demo_round', :'player', :'demo_set', 'demo-cat', 'game', 11);

-- reading rounds, strokes and maps
select tests.authenticate_as(:'bob');
select is((select count(*)::int from public.stimuli where set_id = :'set_id'), 4, 'Bob sees the stimuli of Alice''s live study (participants need them)');
select is_empty(format($$ select * from public.clickme_rounds where set_id = %L $$, :'set_id'), 'Bob reads none of Alice''s ClickMe rounds');
select is_empty($$ select * from public.clickme_strokes $$, 'nor their strokes');
select is_empty(format($$ select * from public.importance_maps where set_id = %L $$, :'set_id'), 'nor her set''s model maps');
select tests.authenticate_as(:'alice');
select is((select count(*)::int from public.clickme_rounds where set_id = :'set_id'), 1, 'Alice reads the rounds of her set');
select is((select count(*)::int from public.clickme_strokes), 1, 'and their strokes');
select is((select count(*)::int from public.importance_maps where set_id = :'set_id'), 1, 'and its maps');

-- exclusions and ClickMe maps
select tests.authenticate_as(:'bob');
select throws_ok(format($$ select public.clickme_mark_exclusions(%L, %L) $$, :'set_id',
  jsonb_build_array(jsonb_build_object('round_id', :'round', 'reason', 'sabotage'))), '42501', null, 'Bob cannot mark Alice''s rounds excluded');
select throws_ok(format($$ select public.clickme_store_maps(%L, %L) $$, :'set_id',
  jsonb_build_array(jsonb_build_object('image_id', 'cat', 'width', 2, 'height', 2, 'png', '\x00', 'n_observers', 1))), '42501', null,
  'Bob cannot replace Alice''s ClickMe maps');
select tests.authenticate_as(:'alice');
select is(public.clickme_mark_exclusions(:'set_id', jsonb_build_array(jsonb_build_object('round_id', :'round', 'reason', 'too few strokes'))), 1,
  'Alice marks a round of her set excluded');
select is(public.clickme_store_maps(:'set_id', jsonb_build_array(jsonb_build_object('image_id', 'cat', 'width', 2, 'height', 2, 'png', '\x00', 'n_observers', 1))), 1,
  'Alice stores the ClickMe maps of her set');

-- annotating
select tests.authenticate_as(:'bob');
select throws_ok($$ select public.clickme_set('alice-live-set') $$, 'PT404', null, 'Bob cannot open Alice''s set for annotation');
select is(public.clickme_record(jsonb_build_array(jsonb_build_object('kind', 'round', 'id', gen_random_uuid(), 'set_id', :'set_id', 'image_id', 'cat',
    'mode', 'annotation', 'brush_radius', 11, 'device', 'mouse'))) -> 0 ->> 'reason',
  'only the owner of the set (any researcher for a demo set) annotates it', 'Bob cannot annotate Alice''s set');
select tests.authenticate_as(:'alice');
select is(public.clickme_set('alice-live-set') ->> 'id', :'set_id', 'Alice opens her set for annotation');
select is(public.clickme_record(jsonb_build_array(jsonb_build_object('kind', 'round', 'id', gen_random_uuid(), 'set_id', :'set_id', 'image_id', 'cat',
    'mode', 'annotation', 'brush_radius', 11, 'device', 'mouse'))) -> 0 ->> 'status', 'stored', 'Alice annotates her set');

-- maps: no pre-inserted row locks the owner out
select tests.authenticate_as(:'bob');
select throws_ok(format($$ insert into public.importance_maps (set_id, image_id, source, width, height, png) values (%L, 'car', 'model:tiny', 2, 2, '\x09') $$, :'set_id'),
  '42501', null, 'Bob cannot insert a map row into Alice''s set');
select tests.as_superuser();
insert into public.importance_maps (set_id, image_id, source, width, height, png, created_by)
values (:'set_id', 'car', 'center-bias', 2, 2, '\x09', :'bob'); -- a row squatted before this fix
select tests.authenticate_as(:'alice');
select lives_ok(format($$ insert into public.importance_maps (set_id, image_id, source, width, height, png) values (%L, 'car', 'model:tiny', 2, 2, '\x02') $$, :'set_id'),
  'Alice inserts a map into her set');
update public.importance_maps set png = '\x03' where set_id = :'set_id' and source = 'center-bias';
select is((select png from public.importance_maps where set_id = :'set_id' and source = 'center-bias'), '\x03'::bytea,
  'Alice replaces a row someone else put into her set');

-- model runs and studies use one's own (or a demo) set, and attach to one's own study
select tests.as_superuser();
insert into public.models (id, name, family, added_by) values ('tiny-net', 'Tiny', 'CNN', :'alice');
select tests.authenticate_as(:'bob');
select throws_ok(format($$ insert into public.model_runs (id, model_id, stimulus_set_id, study_id, backend) values (gen_random_uuid(), 'tiny-net', %L, %L, 'cpu') $$,
  :'demo_set', :'study'), '42501', null, 'Bob cannot attach a model run to Alice''s study');
select throws_ok(format($$ insert into public.model_runs (id, model_id, stimulus_set_id, backend) values (gen_random_uuid(), 'tiny-net', %L, 'cpu') $$,
  :'set_id'), '42501', null, 'nor run a model on her set');
select throws_ok(format($$ insert into public.studies (slug, title, stimulus_set_id) values ('bob-on-alice', 'x', %L) $$, :'set_id'),
  '42501', null, 'nor make a study on her set');
select lives_ok(format($$ insert into public.model_runs (id, model_id, stimulus_set_id, backend) values (gen_random_uuid(), 'tiny-net', %L, 'cpu') $$,
  :'demo_set'), 'Bob runs a model on the demo set');
select tests.authenticate_as(:'alice');
select lives_ok(format($$ insert into public.model_runs (id, model_id, stimulus_set_id, study_id, backend) values (gen_random_uuid(), 'tiny-net', %L, %L, 'cpu') $$,
  :'set_id', :'study'), 'Alice attaches a run on her set to her study');

-- models: a global id, registered once, corrected by its registrar only
select tests.authenticate_as(:'bob');
insert into public.models (id, name, family, added_by) values ('tiny-net', 'Squatted', 'X', auth.uid()) on conflict (id) do nothing;
update public.models set name = 'Hijacked' where id = 'tiny-net';
select tests.as_superuser();
select is((select name from public.models where id = 'tiny-net'), 'Tiny', 'Bob neither re-registers nor renames Alice''s model');
select tests.authenticate_as(:'alice');
update public.models set name = 'Tiny net' where id = 'tiny-net';
select tests.as_superuser();
select is((select name from public.models where id = 'tiny-net'), 'Tiny net', 'Alice corrects the model she registered');
select tests.authenticate_as(:'alice');
select throws_ok($$ update public.models set id = 'other-net' where id = 'tiny-net' $$, '42501', null, 'nobody changes a model''s id');

-- the demo set is common ground
select tests.authenticate_as(:'bob');
select is((select count(*)::int from public.clickme_rounds where set_id = :'demo_set'), 1, 'every researcher reads the demo set''s rounds');
select is(public.clickme_mark_exclusions(:'demo_set', jsonb_build_array(jsonb_build_object('round_id', :'demo_round', 'reason', 'test'))), 1,
  'and curates its exclusions');
select tests.authenticate_as(:'player');
select is_empty(format($$ select * from public.importance_maps where set_id = %L $$, :'demo_set'), 'a player reads no maps, not even the demo''s');

select * from finish();
rollback;
