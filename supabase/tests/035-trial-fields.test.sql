-- The trial's fields and bounds (migration trial_fields): the accepted fields come from the
-- table's columns, bounds live only in the table's named constraints, and record_trials turns a
-- broken bound into that constraint's sentence, never PostgreSQL's own "violates check constraint".
begin;
select plan(29);

select tests.create_researcher('owner@example.org') as owner \gset
select tests.create_study(:'owner', 'exp') as study \gset
select tests.create_user() as p1 \gset
select tests.stimulus(:'study', 'cat', 0) as cat0 \gset
select gen_random_uuid() as s1 \gset

-- the accepted fields
select results_eq($$ select name from public.trial_fields() order by ordinal $$,
  array['id', 'trial_index', 'block', 'stimulus_id', 'response', 'response_key', 'rt_ms', 'fixation_ms',
        'onset_ms', 'offset_ms', 'duration_ms', 'frames', 'refresh_ms', 'data', 'window_blurs', 'fullscreen_exits'],
  'trial_fields() lists the columns of trials the client sends, in column order');
select results_eq($$ select kind || ':' || nullable || ':' || optional from public.trial_fields() where name in ('id', 'fixation_ms', 'frames', 'data') order by ordinal $$,
  array['uuid:false:false', 'float:false:false', 'int:true:true', 'json:false:true'],
  'each field has its JSON kind, its nullability and whether it may be left out');
select set_eq($$ select jsonb_object_keys(tests.trial(0, gen_random_uuid())) $$, $$ select name from public.trial_fields() $$,
  'the test helper''s trial has exactly the accepted fields');

-- the table's constraints have names that say what they check
select ok((select bool_and(conname !~ '_check$') from pg_constraint where conrelid = 'public.trials'::regclass and contype = 'c'),
  'no check constraint of trials keeps a generated name');
select is((select count(*)::int from pg_constraint c where c.conrelid = 'public.trials'::regclass and c.contype = 'c'
            and obj_description(c.oid, 'pg_constraint') is null), 0,
  'every check constraint of trials has a sentence (its comment)');

create temporary table outcome (n integer, reason text, status text) on commit drop;
grant all on outcome to authenticated;
select tests.authenticate_as(:'p1');
select public.start_session(:'s1', 'exp', 'local') is not null as started \gset
insert into outcome
select n - 1, value ->> 'reason', value ->> 'status'
  from jsonb_array_elements(public.record_trials(:'s1', jsonb_build_array(
    tests.trial(0, :'cat0') || '{"refresh_ms": 1000}',
    tests.trial(1, :'cat0') || '{"refresh_ms": 0.1}',
    tests.trial(2, :'cat0') || '{"fixation_ms": 60000}',
    tests.trial(3, :'cat0') || '{"fixation_ms": 59999.5}',
    tests.trial(4, :'cat0') || '{"rt_ms": 59999.5}',
    tests.trial(-1, :'cat0'),
    tests.trial(6, :'cat0') || '{"block": "warmup"}',
    tests.trial(7, :'cat0') || jsonb_build_object('response_key', repeat('k', 33)),
    tests.trial(8, :'cat0') || '{"data": []}',
    tests.trial(9, :'cat0') || jsonb_build_object('data', jsonb_build_object('note', repeat('x', 4000))),
    tests.trial(10, :'cat0') || '{"frames": 2.5}',
    tests.trial(11, :'cat0') || '{"duration_ms": -1}',
    tests.trial(12, :'cat0', null) || '{"rt_ms": 300}',
    tests.trial(13, :'cat0') - 'fixation_ms',
    tests.trial(14, :'cat0') || '{"stimulus_id": "cat"}',
    tests.trial(15, :'cat0') || '{"data": null}'
  ))) with ordinality as o(value, n);

-- Where trial_problem and the table disagreed, the table wins: refresh_ms over 0 and under 1000
-- (trial_problem said 0.5 to 999), fixation_ms and rt_ms under 60000 (trial_problem: up to 59999).
select is((select reason from outcome where n = 0), 'refresh_ms must be over 0 and under 1000 ms (got 1000)',
  'refresh_ms of 1000 ms breaks the table''s bound, named in a sentence');
select is((select status from outcome where n = 1), 'stored', 'refresh_ms of 0.1 ms is within the table''s bound (was refused below 0.5)');
select is((select reason from outcome where n = 2), 'fixation_ms must be at least 0 and under 60000 ms (got 60000)',
  'fixation_ms of 60000 ms breaks the table''s bound');
select is((select status from outcome where n = 3), 'stored', 'fixation_ms of 59999.5 ms is within the table''s bound (was refused above 59999)');
select is((select status from outcome where n = 4), 'stored', 'rt_ms of 59999.5 ms is within the table''s bound (was refused above 59999)');
select is((select reason from outcome where n = 5), 'trial_index must be from 0 to 100000 (got -1)', 'a negative trial_index');
select is((select reason from outcome where n = 6), 'block must be practice or main (got "warmup")', 'an unknown block');
select is((select reason from outcome where n = 7), format('response_key must be at most 32 characters (got "%s")', repeat('k', 33)),
  'a response key over 32 characters');
select is((select reason from outcome where n = 8), 'data must be a JSON object (got [])', 'data that is not an object');
select is((select reason from outcome where n = 9), 'data must be at most 4000 characters as JSON',
  'data over 4000 characters (too long to repeat in the reason)');
select is((select reason from outcome where n = 10), 'frames must be an integer or null (got 2.5)', 'a fractional frame count');
select is((select reason from outcome where n = 11), 'duration_ms must not be negative (got -1)', 'a negative duration');
select is((select reason from outcome where n = 12), 'rt_ms must be null when response is null', 'a reaction time without an answer');
select is((select reason from outcome where n = 13), 'fixation_ms is required', 'a missing required field');
select is((select reason from outcome where n = 14), 'stimulus_id must be a uuid string (got "cat")', 'a stimulus id that is not a uuid');
select is((select reason from outcome where n = 15), 'data must not be null', 'data may be left out, but not null');
select is((select count(*)::int from outcome where reason ~ 'violates|constraint'), 0,
  'no reason repeats PostgreSQL''s own constraint message');
select is((select count(*)::int from outcome where status = 'stored'), 3, 'only the three trials within the bounds are stored');

-- a trial without data gets the column's default, with the plugin's fields in data kept as sent
select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(20, :'cat0') - 'data')) -> 0 ->> 'status', 'stored',
  'data may be left out');
select is((select data from public.trials where trial_index = 20), '{}'::jsonb, 'left-out data is stored as {}');
select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(21, :'cat0') ||
    '{"data": {"block_number": 1, "level_index": 0, "anticipations": 2, "plugin_version": "1.0.0"}}')) -> 0 ->> 'status', 'stored',
  'a trial with its data fields is stored');
select is((select data ->> 'plugin_version' from public.trials where trial_index = 21), '1.0.0', 'the plugin''s version is stored with the trial');

-- the small helpers
select tests.as_superuser();
select ok(public.is_uuid('0b3c2f3e-1d2a-4c5b-9e8f-7a6b5c4d3e2f') and not public.is_uuid('cat') and not public.is_uuid(null),
  'is_uuid accepts a uuid and refuses anything else, null included');
select is(public.item_outcome('"x"', 'rejected', 'why'), '{"id": "x", "status": "rejected", "reason": "why"}'::jsonb,
  'item_outcome builds the per-item answer of the batch APIs');

select * from finish();
rollback;
