-- Opening a set to ClickMe players: its owner may, nobody else, and no other column changes.
begin;
select plan(5);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_user() as player \gset
select tests.create_study(:'alice', 'open-study', 'draft') as study \gset
select (select stimulus_set_id from public.studies where id = :'study') as set_id \gset

select tests.authenticate_as(:'bob');
update public.stimulus_sets set clickme_open = true where id = :'set_id';
select tests.authenticate_as(:'player');
update public.stimulus_sets set clickme_open = true where id = :'set_id';
select tests.as_superuser();
select is((select clickme_open from public.stimulus_sets where id = :'set_id'), false, 'another researcher and a player cannot open a set');

select tests.authenticate_as(:'alice');
update public.stimulus_sets set clickme_open = true where id = :'set_id';
select tests.as_superuser();
select is((select clickme_open from public.stimulus_sets where id = :'set_id'), true, 'the owner opens her set to players');

select tests.authenticate_as(:'alice');
select throws_ok(format($$ update public.stimulus_sets set name = 'renamed' where id = %L $$, :'set_id'), '42501', null,
  'the owner cannot change other columns this way');
select tests.authenticate_as(:'player');
select lives_ok(format($$ select public.clickme_set(%L) $$, 'open-study-set'), 'a player reaches the opened set');

select tests.authenticate_as(:'alice');
update public.stimulus_sets set clickme_open = false where id = :'set_id';
select tests.authenticate_as(:'player');
select throws_ok(format($$ select public.clickme_set(%L) $$, 'open-study-set'), null, null, 'a closed set is out of players'' reach again');

select * from finish();
rollback;
