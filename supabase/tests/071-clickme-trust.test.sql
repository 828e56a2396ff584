-- Issue 13, finding 9: ClickMe does not trust the client: scores bounded by the round's facts,
-- rounds only on served images, no strokes after a round's end, sizes capped per item and call.
-- Each rule refused and allowed.
begin;
select plan(17);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_study(:'alice', 'trust') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
update public.stimulus_sets set clickme_open = true where id = :'set_id';
select tests.create_user() as cheat \gset
select gen_random_uuid() as game, gen_random_uuid() as r1, gen_random_uuid() as r2, gen_random_uuid() as s1 \gset

create function pg_temp.round(p_id uuid, p_set uuid, p_image text, p_game uuid) returns jsonb
language sql as $$
  select jsonb_build_object('kind', 'round', 'id', p_id, 'set_id', p_set, 'image_id', p_image, 'mode', 'game',
    'game_id', p_game, 'model_id', 'mobilenet-v1-0.25', 'brush_radius', 11, 'time_limit_ms', 20000, 'device', 'mouse')
$$;
create function pg_temp.stroke(p_round uuid, p_index integer, p_points jsonb, p_id uuid default gen_random_uuid()) returns jsonb
language sql as $$
  select jsonb_build_object('kind', 'stroke', 'id', p_id, 'round_id', p_round, 'stroke_index', p_index, 'radius', 11, 'points', p_points)
$$;
grant execute on function pg_temp.round(uuid, uuid, text, uuid), pg_temp.stroke(uuid, integer, jsonb, uuid) to authenticated;

select tests.authenticate_as(:'cheat');
select public.clickme_join('Cheater') is not null as joined \gset

-- rounds only on served images
select is(public.clickme_record(jsonb_build_array(pg_temp.round(:'r1', :'set_id', 'cat', :'game'))) -> 0 ->> 'reason',
  'image cat was not served to you: play the images clickme_next_images gives', 'a round on an image never served is rejected');
select ok(public.clickme_next_images(:'set_id', 10, 5) @> array['cat', 'car'], 'the images are served');
select is(public.clickme_record(jsonb_build_array(pg_temp.round(:'r1', :'set_id', 'cat', :'game'))) -> 0 ->> 'status', 'stored',
  'a round on a served image is stored');
select is(public.clickme_record(jsonb_build_array(pg_temp.round(gen_random_uuid(), :'set_id', 'cat', :'game'))) -> 0 ->> 'reason',
  'you already played image cat', 'a second game round on the same image is rejected');

-- sizes per item
select is(public.clickme_record(jsonb_build_array(pg_temp.round(gen_random_uuid(), :'set_id', 'car', :'game') || jsonb_build_object('model_id', repeat('m', 100000)))) -> 0 ->> 'reason',
  'model_id must be a model id: 2 to 64 lower-case letters, digits, _ . or -', 'a huge model_id is rejected');
select is(public.clickme_record(jsonb_build_array(pg_temp.stroke(:'r1', 1000, '[[1, 1, 0]]'))) -> 0 ->> 'reason',
  'stroke_index must be an integer from 0 to 999 (a round holds at most 1000 strokes)', 'a round holds at most 1000 strokes');
select is(public.clickme_record(jsonb_build_array(pg_temp.stroke(:'r1', 0, (select jsonb_agg(jsonb_build_array(1, 1, i)) from generate_series(1, 5001) i)))) -> 0 ->> 'reason',
  'points must be an array of 1 to 5000 [x, y, t] points', 'a stroke holds at most 5000 points');
select is(public.clickme_record(jsonb_build_array(pg_temp.stroke(:'r1', 0, '[[10, 10, 5000], [20, 20, 10000]]', :'s1'))) -> 0 ->> 'status', 'stored',
  'a stroke within the caps is stored');

-- the score: at most what the round's facts allow
select is(public.clickme_record(jsonb_build_array(jsonb_build_object('kind', 'end', 'id', gen_random_uuid(), 'round_id', :'r1',
    'outcome', 'recognized', 'score', 100000, 'revealed_fraction', 0.5))) -> 0 ->> 'status', 'stored', 'the round ends');
select is((select score from public.clickme_rounds where id = :'r1'), 25,
  'a claimed 100000 points is stored as the formula''s bound: 100 x (1 - 0.5) x (1 - 10000 / 20000)');
select is(public.clickme_round_score('recognized', 0.05, 16, 20000), 95, 'the SQL twin of roundScore: an honest round keeps its score');

-- no strokes after the end; a resend of a stored stroke is still a duplicate
select is(public.clickme_record(jsonb_build_array(pg_temp.stroke(:'r1', 1, '[[1, 1, 11000]]'))) -> 0 ->> 'reason',
  'the round ended recognized: it takes no more strokes', 'a stroke after the round''s end is rejected');
select is(public.clickme_record(jsonb_build_array(pg_temp.stroke(:'r1', 0, '[[10, 10, 5000], [20, 20, 10000]]', :'s1'))) -> 0 ->> 'status', 'duplicate',
  'a resent stroke is a duplicate, even after the end');

-- a timed-out round scores 0 whatever it claims
select public.clickme_record(jsonb_build_array(pg_temp.round(:'r2', :'set_id', 'car', :'game'),
  jsonb_build_object('kind', 'end', 'id', gen_random_uuid(), 'round_id', :'r2', 'outcome', 'timeout', 'score', 99, 'revealed_fraction', 0))) is not null as ended \gset
select is((select score from public.clickme_rounds where id = :'r2'), 0, 'a round that timed out scores 0');
select is(public.clickme_leaderboard(10, true) -> 0 ->> 'best_total', '25', 'the leaderboard holds the bounded total');

-- sizes per call
select throws_ok(format($$ select public.clickme_record(%L) $$, (select jsonb_agg(pg_temp.stroke(:'r1', i, '[[1, 1, 1]]')) from generate_series(1, 201) i)),
  '22023', 'at most 200 items per call (got 201)', 'a call carries at most 200 items');
select throws_ok(format($$ select public.clickme_record(%L) $$,
    (select jsonb_agg(pg_temp.stroke(:'r1', i, (select jsonb_agg(jsonb_build_array(1, 1, j)) from generate_series(1, 5000) j))) from generate_series(1, 21) i)),
  '22023', 'at most 100000 stroke points per call (got 105000): send fewer items at once', 'a call carries at most 100000 points');

select * from finish();
rollback;
