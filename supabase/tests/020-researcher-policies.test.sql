-- Researchers see and change only their own studies, sets, runs; participants see none of it.
begin;
select plan(16);

select tests.create_researcher('alice@example.org') as alice \gset
select tests.create_researcher('bob@example.org') as bob \gset
select tests.create_user() as participant \gset
select tests.create_study(:'alice', 'alice-study') as alice_study \gset
select tests.create_study(:'bob', 'bob-study') as bob_study \gset

select tests.authenticate_as(:'alice');
select results_eq($$ select slug from public.studies order by slug $$, array['alice-study'],
  'a researcher sees her own study only');
select is_empty($$ select * from public.studies where slug = 'bob-study' $$, 'a researcher cannot see another''s study');
select results_eq($$ select email from public.researchers $$, array['alice@example.org'],
  'a researcher reads only her own profile');
select lives_ok($$ insert into public.studies (slug, title, stimulus_set_id)
                   select 'alice-second', 'Second', stimulus_set_id from public.studies where slug = 'alice-study' $$,
  'a researcher creates a study she owns (owner defaults to her)');
select throws_ok(format($$ insert into public.studies (slug, owner_id, title, stimulus_set_id)
                          select 'forged', %L, 'Forged', stimulus_set_id from public.studies where slug = 'alice-study' $$, :'bob'),
  '42501', null, 'a researcher cannot create a study in another''s name');
select is((select count(*)::int from public.stimulus_sets where owner_id = :'bob'), 1,
  'another researcher''s set is readable while a live study uses it');

select tests.as_superuser();
update public.studies set status = 'draft' where slug = 'bob-study';
select tests.authenticate_as(:'alice');
select is((select count(*)::int from public.stimulus_sets where slug = 'bob-study-set'), 0,
  'a draft study''s set stays private');
update public.studies set title = 'hijacked' where slug = 'bob-study';
select tests.as_superuser();
select is((select title from public.studies where slug = 'bob-study'), 'Study bob-study',
  'a researcher cannot change another''s study (update touches no row)');

select tests.authenticate_as(:'participant');
select is_empty($$ select * from public.studies $$, 'an anonymous participant sees no study rows');
select is_empty($$ select * from public.researchers $$, 'an anonymous participant sees no researcher');
select throws_ok($$ insert into public.studies (slug, title, stimulus_set_id)
                    select 'sneaky', 'x', id from public.stimulus_sets limit 1 $$,
  '42501', null, 'an anonymous participant cannot create a study');
select throws_ok($$ insert into public.stimulus_sets (slug, name, owner_id, base_url)
                    values ('sneaky-set', 'x', auth.uid(), '/x') $$,
  '42501', null, 'an anonymous participant cannot create a stimulus set');
select is((select count(*)::int from public.stimulus_sets where slug = 'demo'), 1,
  'the demo stimulus set is readable by everyone signed in');

select tests.as_anon();
select throws_ok($$ select * from public.studies $$, '42501', null, 'anon cannot read the studies table');
select is((public.get_study('alice-study') ->> 'title'), 'Study alice-study', 'anon reads a study''s public description');
select throws_ok($$ select public.get_study('no-such-study') $$, 'PT404', 'no study with slug "no-such-study"',
  'an unknown study slug is a clear not-found error');

select * from finish();
rollback;
