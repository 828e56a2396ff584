-- The trial's interaction counts (migration trial_interaction_counts): window_blurs and
-- fullscreen_exits are accepted fields of record_trials, stored in their columns, null when left
-- out, and refused out of bounds with their constraint's sentence. The study's owner reads them;
-- another researcher does not.
begin;
select plan(10);

select tests.create_researcher('owner@example.org') as owner \gset
select tests.create_researcher('other@example.org') as other \gset
select tests.create_study(:'owner', 'exp') as study \gset
select tests.create_user() as p1 \gset
select tests.stimulus(:'study', 'cat', 0) as cat0 \gset
select gen_random_uuid() as s1 \gset

select results_eq($$ select kind || ':' || nullable || ':' || optional from public.trial_fields() where name in ('window_blurs', 'fullscreen_exits') order by ordinal $$,
  array['int:true:true', 'int:true:true'],
  'both counts are accepted integer fields that may be null or left out');

create temporary table outcome (n integer, reason text, status text) on commit drop;
grant all on outcome to authenticated;
select tests.authenticate_as(:'p1');
select public.start_session(:'s1', 'exp', 'local') is not null as started \gset
insert into outcome
select n - 1, value ->> 'reason', value ->> 'status'
  from jsonb_array_elements(public.record_trials(:'s1', jsonb_build_array(
    tests.trial(0, :'cat0') || '{"window_blurs": 2, "fullscreen_exits": 1}',
    tests.trial(1, :'cat0') - 'window_blurs' - 'fullscreen_exits',
    tests.trial(2, :'cat0') || '{"window_blurs": -1}',
    tests.trial(3, :'cat0') || '{"fullscreen_exits": 10001}',
    tests.trial(4, :'cat0') || '{"window_blurs": 1.5}'
  ))) with ordinality as o(value, n);

select is((select status from outcome where n = 0), 'stored', 'a trial with its counts is stored');
select is((select status from outcome where n = 1), 'stored', 'a trial without counts (an older client) is stored');
select is((select reason from outcome where n = 2), 'window_blurs must be from 0 to 10000, or null (got -1)', 'a negative count is refused with its sentence');
select is((select reason from outcome where n = 3), 'fullscreen_exits must be from 0 to 10000, or null (got 10001)', 'an absurd count is refused with its sentence');
select is((select reason from outcome where n = 4), 'window_blurs must be an integer or null (got 1.5)', 'a fractional count is refused');
select results_eq($$ select window_blurs, fullscreen_exits from public.trials where session_id = '$$ || :'s1' || $$' order by trial_index $$,
  $$ values (2, 1), (null::integer, null::integer) $$, 'the counts are stored in their columns; left out, they are null');

select tests.authenticate_as(:'owner');
select is((select sum(window_blurs)::int from public.trials where session_id = :'s1'), 2, 'the study''s owner reads the counts');
select tests.authenticate_as(:'other');
select is((select count(*)::int from public.trials where session_id = :'s1'), 0, 'another researcher reads none of the trials');

select tests.as_superuser();
select is((select count(*)::int from pg_constraint c where c.conrelid = 'public.trials'::regclass and c.contype = 'c'
            and obj_description(c.oid, 'pg_constraint') is null), 0,
  'every check constraint of trials still has a sentence');

select * from finish();
rollback;
