-- Maps: their creator replaces them; another researcher cannot.
begin;
select plan(3);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_study(:'alice', 'alice-study') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset
insert into public.importance_maps (set_id, image_id, source, width, height, png, created_by)
values (:'set_id', 'cat', 'model:tiny', 2, 2, '\x01', :'alice');

select tests.authenticate_as(:'alice');
select lives_ok(format($$ update public.importance_maps set png = '\x02' where set_id = %L $$, :'set_id'), 'the creator replaces her map');
select tests.authenticate_as(:'bob');
update public.importance_maps set png = '\x03';
select tests.as_superuser();
select is((select png from public.importance_maps where set_id = :'set_id'), '\x02'::bytea, 'another researcher cannot change it');
select tests.authenticate_as(:'alice');
select throws_ok(format($$ update public.importance_maps set source = 'clickme' where set_id = %L $$, :'set_id'), '42501', null,
  'the source of a map cannot be changed');

select * from finish();
rollback;
