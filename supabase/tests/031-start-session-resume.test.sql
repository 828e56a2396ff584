-- Issue 13, finding 3: no lock-out. start_session is idempotent per person: a lost answer, a new
-- browser or cleared storage resumes the worker's session; a worker who completed is turned away.
begin;
select plan(16);

select tests.create_researcher('owner@example.org') as owner \gset
select tests.create_study(:'owner', 'resume') as study \gset
select tests.create_user() as p1 \gset
select tests.create_user() as p2 \gset
select tests.create_user() as p3 \gset
select tests.stimulus(:'study', 'cat', 0) as cat0 \gset
select tests.stimulus(:'study', 'car', 1) as car1 \gset
select gen_random_uuid() as s1, gen_random_uuid() as s1_retry, gen_random_uuid() as s1_browser2,
       gen_random_uuid() as s1_again, gen_random_uuid() as l1, gen_random_uuid() as l1_retry, gen_random_uuid() as l2 \gset

-- the same anonymous user retries with a new session id (the first answer was lost)
select tests.authenticate_as(:'p1');
select public.start_session(:'s1', 'resume', 'prolific', 'PW1', null, null, 'ST1', 'SE1') as first \gset
select public.start_session(:'s1_retry', 'resume', 'prolific', 'PW1') as retry \gset
select is(:'retry'::jsonb ->> 'session_id', :'s1', 'a retry with a new session id resumes the worker''s session');
select is((:'retry'::jsonb ->> 'resumed')::boolean, true, 'and says it is a resume');
select is(:'retry'::jsonb ->> 'order_seed', :'first'::jsonb ->> 'order_seed', 'with the same assignment');
select is((select count(*)::int from public.sessions where study_id = :'study'), 1, 'no second session was made');
select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(0, :'cat0'))) -> 0 ->> 'status', 'stored',
  'the worker records a trial');

-- the same worker in a new browser (a new anonymous user): the unfinished session is re-bound
select tests.authenticate_as(:'p2');
select is(public.start_session(:'s1_browser2', 'resume', 'prolific', 'PW1', null, null, 'ST1', 'SE2') ->> 'session_id', :'s1',
  'the same worker from a new browser resumes her unfinished session');
select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(1, :'car1', 'non_animal'))) -> 0 ->> 'status', 'stored',
  'and records into it as the new user');
select is((select count(*)::int from public.trials), 2, 'she reads both trials of her session');
select tests.as_superuser();
select is((select platform_session_id from public.sessions where id = :'s1'), 'SE2', 'the worker''s current platform session is kept');
select tests.authenticate_as(:'p1');
select throws_ok(format($$ select public.record_trials(%L, %L) $$, :'s1', jsonb_build_array(tests.trial(2, :'cat0'))),
  '42501', null, 'the old browser no longer writes into the session');

-- after completion the worker is turned away, from any browser
select tests.authenticate_as(:'p2');
select ok(public.complete_session(:'s1') ->> 'completion_code' is not null, 'the worker completes');
select tests.authenticate_as(:'p3');
select throws_ok(format($$ select public.start_session(%L, 'resume', 'prolific', 'PW1') $$, :'s1_again'), 'PT409',
  'worker PW1 already took part in study "resume"', 'a worker who completed is turned away');
select throws_ok(format($$ select public.start_session(%L, 'resume', 'prolific', 'PW1') $$, :'s1'), '42501', null,
  'nor can another user take over the completed session by its id');

-- local mode: the same user resumes her unfinished session; a completed try-out starts afresh
select tests.authenticate_as(:'p3');
select public.start_session(:'l1', 'resume', 'local') is not null as started \gset
select is(public.start_session(:'l1_retry', 'resume', 'local') ->> 'session_id', :'l1', 'a local retry resumes the unfinished session');
select tests.as_superuser();
update public.sessions set status = 'completed', completion_code = 'X' where id = :'l1';
select tests.authenticate_as(:'p3');
select is(public.start_session(:'l2', 'resume', 'local') ->> 'session_id', :'l2', 'after a completed local try-out a new session starts');
select tests.authenticate_as(:'p1');
select is(public.start_session(gen_random_uuid(), 'resume', 'local') ->> 'resumed', 'false', 'another user''s local session is never resumed');

select * from finish();
rollback;
