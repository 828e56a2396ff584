-- The policies not covered by the files before, each both ways: allowed and refused.
begin;
select plan(22);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_user() as player \gset
select tests.create_user() as other_player \gset
select tests.create_study(:'alice', 'alice-study', 'draft') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
select gen_random_uuid() as round, gen_random_uuid() as run \gset

-- fixtures written as the database owner, as the API functions would
insert into public.players (id, nickname) values (:'player', 'painter');
insert into public.clickme_rounds (id, player_id, set_id, image_id, mode, brush_radius)
values (:'round', :'player', :'set_id', 'cat', 'game', 11);
insert into public.clickme_strokes (id, round_id, stroke_index, radius, points)
values (gen_random_uuid(), :'round', 0, 11, '[[10, 10, 0], [20, 20, 16]]');
insert into public.importance_maps (set_id, image_id, source, width, height, png, created_by)
values (:'set_id', 'cat', 'center-bias', 2, 2, '\x00', :'alice');
insert into public.participants (study_id, platform, latin_row) values (:'study', 'local', 0);
insert into public.models (id, name, family) values ('tiny-net', 'Tiny', 'CNN');
insert into public.model_runs (id, model_id, stimulus_set_id, backend, started_by) values (:'run', 'tiny-net', :'set_id', 'cpu', :'alice');

-- researcher profiles: update own, not another's
select tests.authenticate_as(:'alice');
update public.researchers set display_name = 'Alice';
select tests.authenticate_as(:'bob');
update public.researchers set display_name = 'Hijacked' where email = 'alice@example.org';
select tests.as_superuser();
select results_eq($$ select email, display_name from public.researchers where email in ('alice@example.org', 'bob@example.org') order by email $$,
  $$ values ('alice@example.org'::text, 'Alice'::text), ('bob@example.org', '') $$,
  'a researcher renames herself and cannot rename another');

-- images and stimuli: insert into own set only
select tests.authenticate_as(:'alice');
select lives_ok(format($$ insert into public.images (set_id, image_id, category, file, width, height) values (%L, 'dog', 'animal', 'dog.png', 256, 256) $$, :'set_id'),
  'a researcher adds an image to her own set');
select lives_ok(format($$ insert into public.stimuli (set_id, image_id, level_index, reveal, revealed_pixels, file, mask_file, sha256)
                          values (%L, 'dog', 0, 0.1, 6554, 'dog0.png', 'dog0-mask.png', repeat('c', 64)) $$, :'set_id'),
  'a researcher adds a stimulus to her own set');
select tests.authenticate_as(:'bob');
select throws_ok(format($$ insert into public.images (set_id, image_id, category, file, width, height) values (%L, 'eel', 'animal', 'eel.png', 256, 256) $$, :'set_id'),
  '42501', null, 'a researcher cannot add an image to another''s set');
select throws_ok(format($$ insert into public.stimuli (set_id, image_id, level_index, reveal, revealed_pixels, file, mask_file, sha256)
                           values (%L, 'cat', 5, 0.5, 32768, 'x.png', 'y.png', repeat('c', 64)) $$, :'set_id'),
  '42501', null, 'a researcher cannot add a stimulus to another''s set');
select is_empty(format($$ select * from public.images where set_id = %L $$, :'set_id'), 'a draft study''s images stay private');

-- participants: the study owner reads them, nobody else
select tests.authenticate_as(:'alice');
select is((select count(*)::int from public.participants), 1, 'the study owner reads her participants');
select tests.authenticate_as(:'bob');
select is_empty($$ select * from public.participants $$, 'another researcher reads none');
select tests.authenticate_as(:'player');
select is_empty($$ select * from public.participants $$, 'a participant reads no participant rows');

-- ClickMe: a player reads her own profile, rounds and strokes; another player nothing
select tests.authenticate_as(:'player');
select is((select nickname from public.players), 'painter', 'a player reads her own profile');
select is((select count(*)::int from public.clickme_rounds), 1, 'a player reads her own rounds');
select is((select count(*)::int from public.clickme_strokes), 1, 'a player reads her own strokes');
select throws_ok(format($$ insert into public.clickme_strokes (id, round_id, stroke_index, radius, points) values (gen_random_uuid(), %L, 1, 11, '[]') $$, :'round'),
  '42501', null, 'a player cannot write strokes directly (only through the API)');
select tests.authenticate_as(:'other_player');
select is_empty($$ select * from public.players $$, 'another player sees no one''s profile');
select is_empty($$ select * from public.clickme_rounds $$, 'another player sees no one''s rounds');
select is_empty($$ select * from public.clickme_strokes $$, 'another player sees no one''s strokes');
select tests.authenticate_as(:'alice');
select is((select count(*)::int from public.clickme_rounds) + (select count(*)::int from public.clickme_strokes), 2,
  'the researcher who owns the set reads its rounds and strokes');

-- importance maps: readable by a researcher who can read the set; not by participants
select is((select count(*)::int from public.importance_maps), 1, 'the set''s owner reads its maps');
select tests.authenticate_as(:'player');
select is_empty($$ select * from public.importance_maps $$, 'a participant reads no maps');

-- model runs: the owner updates her run's status, another researcher cannot
select tests.authenticate_as(:'alice');
update public.model_runs set status = 'done', finished_at = now() where id = :'run';
select tests.authenticate_as(:'bob');
update public.model_runs set status = 'failed' where id = :'run';
select throws_ok(format($$ update public.model_runs set model_id = 'other' where id = %L $$, :'run'),
  '42501', null, 'only status, count and finish time of a run can be changed');
select tests.as_superuser();
select is((select status from public.model_runs where id = :'run'), 'done', 'the owner finished her run; another researcher could not change it');
select tests.authenticate_as(:'bob');
select results_eq($$ select id from public.models $$, array['tiny-net'], 'every researcher reads the shared model list');

select * from finish();
rollback;
