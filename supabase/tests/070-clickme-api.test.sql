-- ClickMe API: players write only their own rounds and strokes, through the functions; bad items
-- are rejected with a reason while the valid ones are stored; researchers annotate, mark
-- exclusions and store clickme maps; nobody else does.
begin;
select plan(30);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_user() as ann \gset
select tests.create_user() as ben \gset
select tests.create_study(:'alice', 'click-study') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
select tests.create_researcher('carol@example.org') as carol \gset
-- a set of carol's, not used by any study: only she may annotate it
insert into public.stimulus_sets (id, slug, name, owner_id, base_url) values (gen_random_uuid(), 'carol-set', 'Carol', :'carol', '/stimuli/carol');
insert into public.images (set_id, image_id, category, file, width, height)
  select id, 'dog', 'animal', 'dog.png', 100, 80 from public.stimulus_sets where slug = 'carol-set';
select id as carol_set from public.stimulus_sets where slug = 'carol-set' \gset
select gen_random_uuid() as game \gset
select gen_random_uuid() as round1 \gset
select gen_random_uuid() as stroke1 \gset

-- a round as the game sends it
create function pg_temp.round(p_id uuid, p_set uuid, p_image text, p_game uuid, p_mode text default 'game') returns jsonb
language sql as $$
  select jsonb_build_object('kind', 'round', 'id', p_id, 'set_id', p_set, 'image_id', p_image, 'mode', p_mode,
    'game_id', p_game, 'model_id', 'mobilenet-v1-0.25', 'brush_radius', 11, 'time_limit_ms', 20000, 'device', 'mouse')
$$;
grant execute on function pg_temp.round(uuid, uuid, text, uuid, text) to authenticated;

select tests.authenticate_as(:'ann');
select throws_ok(format($$ select public.clickme_set('click-study-set') $$), 'PT404', null,
  'a set not opened for ClickMe is not offered to players');
select tests.as_superuser();
update public.stimulus_sets set clickme_open = true where id = :'set_id';
select tests.authenticate_as(:'ann');
select is(public.clickme_set('click-study-set') ->> 'id', :'set_id', 'an open set is offered with its id');
select is((public.clickme_record(jsonb_build_array(pg_temp.round(:'round1', :'set_id', 'cat', :'game'))) -> 0 ->> 'reason'),
  'join with a nickname before playing', 'a round before joining is rejected, saying why');
select throws_ok($$ select public.clickme_join('x') $$, '22023', null, 'a one-letter nickname is refused');
select is(public.clickme_join('Ann') ->> 'nickname', 'Ann', 'a player joins under a nickname');
select is(public.clickme_next_images(:'set_id', 10, 5)::text[] @> array['cat', 'car'], true, 'the next images are those of the set she has not painted');

select is(jsonb_path_query_array(public.clickme_record(jsonb_build_array(
    pg_temp.round(:'round1', :'set_id', 'cat', :'game'),
    jsonb_build_object('kind', 'stroke', 'id', :'stroke1', 'round_id', :'round1', 'stroke_index', 0, 'radius', 11, 'points', '[[10, 20, 0], [12, 22, 16]]'::jsonb),
    jsonb_build_object('kind', 'stroke', 'id', gen_random_uuid(), 'round_id', :'round1', 'stroke_index', 1, 'radius', 11, 'points', '[[300, 20, 40]]'::jsonb),
    jsonb_build_object('kind', 'stroke', 'id', gen_random_uuid(), 'round_id', :'round1', 'stroke_index', 2, 'radius', 11, 'points', '[[5, 5]]'::jsonb),
    jsonb_build_object('kind', 'end', 'id', gen_random_uuid(), 'round_id', :'round1', 'outcome', 'recognized', 'score', 80, 'revealed_fraction', 0.05)
  )), '$[*].status'), '["stored", "stored", "rejected", "rejected", "stored"]'::jsonb,
  'each item of a batch is answered on its own: the bad strokes are rejected, the rest stored');
select is((select count(*)::integer from public.clickme_strokes where round_id = :'round1'), 1, 'the valid stroke is stored');
select is((select outcome || ' ' || score from public.clickme_rounds where id = :'round1'), 'recognized 80', 'the round end is stored after the rejected strokes');
select is(public.clickme_record(jsonb_build_array(
    jsonb_build_object('kind', 'stroke', 'id', gen_random_uuid(), 'round_id', :'round1', 'stroke_index', 3, 'radius', 11, 'points', '[[300, 20, 40]]'::jsonb))) -> 0 ->> 'reason',
  'point [300, 20, 40] lies outside the 256 x 256 image', 'a point off the image is rejected with its reason');
select is(public.clickme_record(jsonb_build_array(
    jsonb_build_object('kind', 'stroke', 'id', gen_random_uuid(), 'round_id', :'round1', 'stroke_index', 4, 'radius', 11, 'points', '[[5, 5]]'::jsonb))) -> 0 ->> 'reason',
  'each point must be [x, y, t] numbers (got [5, 5])', 'a point without time is rejected with its reason');
select is(public.clickme_record(jsonb_build_array(pg_temp.round(:'round1', :'set_id', 'cat', :'game'),
    jsonb_build_object('kind', 'stroke', 'id', :'stroke1', 'round_id', :'round1', 'stroke_index', 0, 'radius', 11, 'points', '[[10, 20, 0]]'::jsonb))),
  jsonb_build_array(jsonb_build_object('id', :'round1', 'status', 'duplicate', 'reason', null),
                    jsonb_build_object('id', :'stroke1', 'status', 'duplicate', 'reason', null)),
  'a resent round and stroke are duplicates, stored once');
select is(public.clickme_record(jsonb_build_array(jsonb_build_object('kind', 'end', 'id', gen_random_uuid(), 'round_id', :'round1',
    'outcome', 'skipped', 'score', 0, 'revealed_fraction', 0.1))) -> 0 ->> 'reason', 'the round already ended recognized',
  'a round does not end twice differently');
select is(public.clickme_next_images(:'set_id', 10, 5), array['car'], 'an image she painted is not offered again');
select is(public.clickme_record(jsonb_build_array(pg_temp.round(gen_random_uuid(), :'carol_set', 'dog', :'game', 'annotation'))) -> 0 ->> 'reason',
  -- issue 13 (finding 4): annotating is the set's owner's (any researcher's on a demo set), so the sentence says so
  'only the owner of the set (any researcher for a demo set) annotates it', 'a player cannot annotate');
select is_empty($$ select * from public.importance_maps $$, 'a player reads no maps');
select throws_ok(format($$ select public.clickme_store_maps(%L, '[]') $$, :'set_id'), '42501', null, 'a player cannot store clickme maps');
select throws_ok(format($$ select public.clickme_mark_exclusions(%L, '[]') $$, :'set_id'), '42501', null, 'a player cannot mark exclusions');

select tests.authenticate_as(:'ben');
select throws_ok($$ select public.clickme_join('ann') $$, 'PT409', null, 'a nickname taken (in any case) is refused');
select is(public.clickme_join('Ben') ->> 'nickname', 'Ben', 'another player joins');
select is_empty(format($$ select * from public.clickme_rounds where id = %L $$, :'round1'), 'a player cannot read another''s rounds');
select is(public.clickme_record(jsonb_build_array(jsonb_build_object('kind', 'stroke', 'id', gen_random_uuid(), 'round_id', :'round1',
    'stroke_index', 9, 'radius', 11, 'points', '[[1, 1, 1]]'::jsonb))) -> 0 ->> 'reason', format('round %s is not yours (or was not stored)', :'round1'),
  'a player cannot add strokes to another''s round');
select throws_ok($$ insert into public.clickme_strokes (id, round_id, stroke_index, radius, points) values (gen_random_uuid(), gen_random_uuid(), 0, 1, '[]') $$,
  '42501', null, 'players write no table directly');
select is(public.clickme_next_images(:'set_id', 1, 5), array['cat'], 'the image closest to the minimum number of players comes first');
select ok(exists (select 1 from jsonb_array_elements(public.clickme_leaderboard(10, true)) e where e ->> 'nickname' = 'Ann' and (e ->> 'best_total')::int = 80),
  'the leaderboard shows the best game total');
select tests.as_anon();
select is(public.clickme_leaderboard(10, false) -> 0, '{"nickname": "Ann", "best_total": 80, "games": 1, "is_me": null}'::jsonb,
  'anyone reads the leaderboard: nicknames and best totals only');

select tests.authenticate_as(:'carol');
select is(public.clickme_record(jsonb_build_array(pg_temp.round(gen_random_uuid(), :'carol_set', 'dog', null, 'annotation'))) -> 0 ->> 'status',
  'stored', 'a researcher annotates her own set');
select tests.authenticate_as(:'alice');
select is(public.clickme_mark_exclusions(:'set_id', jsonb_build_array(jsonb_build_object('round_id', :'round1', 'reason', 'too few strokes'))), 1,
  'a researcher marks why a round of her set is excluded');
select throws_ok(format($$ select public.clickme_store_maps(%L, jsonb_build_array(jsonb_build_object('image_id', 'cat', 'width', 2, 'height', 2,
    'png', '\x00', 'n_observers', 5))) $$, :'set_id'), '22023', null, 'a map cannot claim more players than painted the image');
select is(public.clickme_store_maps(:'set_id', jsonb_build_array(jsonb_build_object('image_id', 'cat', 'width', 2, 'height', 2,
    'png', '\x0001', 'n_observers', 1, 'reliability', 0.5))), 1, 'a researcher stores a clickme map through the API');

select * from finish();
rollback;
