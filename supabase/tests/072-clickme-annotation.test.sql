-- Issue 15, item 11: an image with no strokes is not annotated (the server refuses to end such
-- a round "annotated", whoever writes it), and clickme_annotation_progress tells the annotation
-- page where the annotator left off. Each rule refused and allowed.
begin;
select plan(13);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_study(:'alice', 'annotate') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
select gen_random_uuid() as empty_round, gen_random_uuid() as painted_round, gen_random_uuid() as skipped_round \gset

create function pg_temp.round(p_id uuid, p_set uuid, p_image text) returns jsonb
language sql as $$
  select jsonb_build_object('kind', 'round', 'id', p_id, 'set_id', p_set, 'image_id', p_image, 'mode', 'annotation',
    'game_id', null, 'model_id', null, 'brush_radius', 11, 'time_limit_ms', null, 'device', 'mouse')
$$;
create function pg_temp.ending(p_round uuid, p_outcome text) returns jsonb
language sql as $$
  select jsonb_build_object('kind', 'end', 'id', gen_random_uuid(), 'round_id', p_round, 'outcome', p_outcome, 'score', null, 'revealed_fraction', 0)
$$;
grant execute on function pg_temp.round(uuid, uuid, text), pg_temp.ending(uuid, text) to authenticated;

select tests.authenticate_as(:'alice');
select is(public.clickme_annotation_progress(:'set_id'), '{"annotated": [], "skipped": []}'::jsonb, 'nothing annotated yet');

-- a round without strokes cannot end annotated
select is(public.clickme_record(jsonb_build_array(pg_temp.round(:'empty_round', :'set_id', 'cat'))) -> 0 ->> 'status', 'stored',
  'an annotation round is stored');
select is(public.clickme_record(jsonb_build_array(pg_temp.ending(:'empty_round', 'annotated'))) -> 0 ->> 'reason',
  'the item cannot be stored: an annotation needs at least one stroke to end annotated: paint the object, or skip the image',
  'an annotation with no strokes is refused as annotated, with a sentence saying what to do');
select is((select outcome from public.clickme_rounds where id = :'empty_round'), null, 'and the round stays open');
select is(public.clickme_annotation_progress(:'set_id') -> 'annotated', '[]'::jsonb, 'so the image does not count as annotated');

-- with a stroke it ends annotated
select is(public.clickme_record(jsonb_build_array(pg_temp.round(:'painted_round', :'set_id', 'cat'),
    jsonb_build_object('kind', 'stroke', 'id', gen_random_uuid(), 'round_id', :'painted_round', 'stroke_index', 0, 'radius', 5, 'points', '[[10, 10, 0], [20, 20, 40]]'::jsonb),
    pg_temp.ending(:'painted_round', 'annotated'))) -> 2 ->> 'status', 'stored', 'an annotation with a stroke ends annotated');

-- skipping needs no strokes
select is(public.clickme_record(jsonb_build_array(pg_temp.ending(:'empty_round', 'skipped'))) -> 0 ->> 'status', 'stored',
  'a round without strokes may end skipped');
select is(public.clickme_record(jsonb_build_array(pg_temp.round(:'skipped_round', :'set_id', 'car'), pg_temp.ending(:'skipped_round', 'skipped'))) -> 1 ->> 'status',
  'stored', 'another image is skipped');
select is(public.clickme_annotation_progress(:'set_id'), '{"annotated": ["cat"], "skipped": ["car"]}'::jsonb,
  'progress: cat annotated (its earlier skip does not count), car only skipped');

-- the rule holds for every writer, not only clickme_record
select tests.as_superuser();
select throws_ok(format($$ update public.clickme_rounds set outcome = 'annotated' where id = %L $$, :'skipped_round'),
  '23514', 'an annotation needs at least one stroke to end annotated: paint the object, or skip the image',
  'a direct update cannot mark an empty round annotated');
select lives_ok(format($$ update public.clickme_rounds set outcome = 'skipped' where id = %L $$, :'painted_round'),
  'a round with strokes may change outcome');

-- progress is the caller's own
select tests.authenticate_as(:'bob');
select is(public.clickme_annotation_progress(:'set_id'), '{"annotated": [], "skipped": []}'::jsonb, 'another researcher sees only their own progress');
select tests.as_anon();
select throws_ok(format($$ select public.clickme_annotation_progress(%L) $$, :'set_id'), '42501', null, 'anonymous callers are refused');

select * from finish();
rollback;
