-- Issue 13, finding 10: one poison item of a batch is rejected with its reason; the items around
-- it are stored (each item runs in its own subtransaction). Concurrent resends are checked by the
-- contract test src/standin/security.test.ts on PostgreSQL.
begin;
select plan(9);

select tests.create_researcher('owner@example.org') as owner \gset
select tests.create_study(:'owner', 'poison') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
update public.stimulus_sets set clickme_open = true where id = :'set_id';
select tests.create_user() as p1 \gset
select tests.stimulus(:'study', 'cat', 0) as cat0 \gset
select gen_random_uuid() as s1, gen_random_uuid() as round, gen_random_uuid() as game \gset

create temporary table outcome (n integer, status text, reason text) on commit drop;
grant all on outcome to authenticated;

select tests.authenticate_as(:'p1');
select public.start_session(:'s1', 'poison', 'local') is not null as started \gset
insert into outcome
select n, value ->> 'status', value ->> 'reason'
  from jsonb_array_elements(public.record_trials(:'s1', jsonb_build_array(
    tests.trial(0, :'cat0'),
    tests.trial(1, :'cat0') || '{"rt_ms": 1e309}',
    tests.trial(2, :'cat0') || '{"frames": 1e309}',
    '"not a trial"'::jsonb,
    tests.trial(4, :'cat0') || jsonb_build_object('data', jsonb_build_object('deep', (repeat('[', 5000) || repeat(']', 5000))::jsonb)),
    tests.trial(5, :'cat0')))) with ordinality as e(value, n);
select results_eq($$ select status from outcome order by n $$,
  array['stored', 'rejected', 'rejected', 'rejected', 'rejected', 'stored'], 'poison trials are rejected one by one; the rest is stored');
select matches((select reason from outcome where n = 2), 'out of range', 'a number beyond double precision says so');
select is((select reason from outcome where n = 3), 'frames is too large (got 1' || repeat('0', 309) || ')', 'an integer beyond range says so');
select is((select reason from outcome where n = 5), 'data must be at most 4000 characters as JSON', 'deep JSON in data is refused by its size');

-- ClickMe: a value that fails a cast (is_test "maybe") rejects that item only
select public.clickme_join('Poisoner') is not null as joined \gset
create function pg_temp.round(p_id uuid, p_set uuid, p_image text, p_game uuid) returns jsonb
language sql as $$
  select jsonb_build_object('kind', 'round', 'id', p_id, 'set_id', p_set, 'image_id', p_image, 'mode', 'game',
    'game_id', p_game, 'model_id', 'mobilenet-v1-0.25', 'brush_radius', 11, 'time_limit_ms', 20000, 'device', 'mouse')
$$;
select public.clickme_next_images(:'set_id', 10, 5) is not null as served \gset
select public.clickme_record(jsonb_build_array(
    pg_temp.round(gen_random_uuid(), :'set_id', 'car', :'game') || '{"is_test": "maybe"}',
    pg_temp.round(:'round', :'set_id', 'cat', :'game'),
    jsonb_build_object('kind', 'stroke', 'id', gen_random_uuid(), 'round_id', :'round', 'stroke_index', 0, 'radius', 1e309, 'points', '[[1, 1, 0]]'::jsonb),
    jsonb_build_object('kind', 'stroke', 'id', gen_random_uuid(), 'round_id', :'round', 'stroke_index', 1, 'radius', 11, 'points', '[[1, 1, 0]]'::jsonb)
  )) as batch \gset
select is(jsonb_path_query_array(:'batch'::jsonb, '$[*].status'), '["rejected", "stored", "rejected", "stored"]'::jsonb,
  'a ClickMe item that fails a cast is rejected alone');
select matches(:'batch'::jsonb -> 0 ->> 'reason', 'boolean', 'and says why');

-- a new id on an index already stored is still rejected, item by item
select is(jsonb_path_query_array(public.record_trials(:'s1', jsonb_build_array(tests.trial(0, :'cat0'), tests.trial(5, :'cat0'))), '$[*].status'),
  '["rejected", "rejected"]'::jsonb, 'new ids on stored indexes are rejected');
select is((select count(*)::int from public.trials), 2, 'two trials stored');
select is((select count(*)::int from public.clickme_strokes), 1, 'one stroke stored');

select * from finish();
rollback;
