-- Issue 15 (item 5): a rebuild replaces the previous ClickMe maps: maps of images the new build
-- did not map are dropped, only by whoever manages the set, and only the set's clickme maps.
begin;
select plan(5);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_study(:'alice', 'rebuild-study') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
-- two images of the set with clickme maps from an earlier build, and a model map
insert into public.images (set_id, image_id, category, file, width, height) values (:'set_id', 'rebuild-a', 'animal', 'a.png', 2, 2), (:'set_id', 'rebuild-b', 'animal', 'b.png', 2, 2);
insert into public.importance_maps (set_id, image_id, source, width, height, png) values
  (:'set_id', 'rebuild-a', 'clickme', 2, 2, '\x00'), (:'set_id', 'rebuild-b', 'clickme', 2, 2, '\x00'), (:'set_id', 'rebuild-b', 'model:m1', 2, 2, '\x00');

select tests.authenticate_as(:'bob');
select throws_ok(format($$ select public.clickme_drop_stale_maps(%L, '{rebuild-a}') $$, :'set_id'), '42501', null, 'another lab cannot drop the set''s maps');

select tests.authenticate_as(:'alice');
select is(public.clickme_drop_stale_maps(:'set_id', array['rebuild-a']), 1, 'the owner drops the map the new build did not make');
select results_eq(format($$ select image_id, source from public.importance_maps where set_id = %L and image_id like 'rebuild-%%' order by 1, 2 $$, :'set_id'),
  $$ values ('rebuild-a'::text, 'clickme'::text), ('rebuild-b', 'model:m1') $$, 'the kept clickme map and the model map stay');
select is(public.clickme_drop_stale_maps(:'set_id', array['rebuild-a']), 0, 'dropping again drops nothing');

select tests.as_anon();
select throws_ok(format($$ select public.clickme_drop_stale_maps(%L, '{}') $$, :'set_id'), '42501', null, 'anonymous callers cannot drop maps');

select * from finish();
rollback;
