-- Issue 15: how a session ended (end_session), resuming a declined or turned-away session, a
-- revisit after completion, and the owner's participants view (study_participants).
begin;
select plan(32);

select tests.create_researcher('owner@example.org') as owner \gset
select tests.create_researcher('other@example.org') as other \gset
select tests.create_study(:'owner', 'ends') as study \gset
select tests.create_user() as p1 \gset
select tests.create_user() as p2 \gset
select tests.create_user() as p3 \gset
select tests.create_user() as p4 \gset
select tests.stimulus(:'study', 'cat', 0) as cat0 \gset
select tests.stimulus(:'study', 'car', 1) as car1 \gset
select gen_random_uuid() as s1, gen_random_uuid() as s2, gen_random_uuid() as s2_phone, gen_random_uuid() as s3,
       gen_random_uuid() as s3_again, gen_random_uuid() as s4, gen_random_uuid() as s4_again, gen_random_uuid() as s5 \gset
update public.studies set config = '{"practice_trials": 0, "prolific_completion_code": "DONE42", "prolific_screenout_code": "SCREEN7"}'
 where id = :'study';

-- end_session: the participant marks her own session declined or turned away
select tests.authenticate_as(:'p1');
select public.start_session(:'s1', 'ends', 'prolific', 'PW1', null, null, 'ST1', 'SE1') is not null as started \gset
select is(public.end_session(:'s1', 'declined'),
  '{"status": "declined", "status_reason": null, "screenout_code": "SCREEN7"}'::jsonb,
  'a Prolific participant who declines is recorded as declined and gets the screen-out code');
select is((select status::text from public.sessions where id = :'s1'), 'declined', 'she reads her session as declined');
select ok((select ended_at is not null from public.sessions where id = :'s1'), 'with the time it ended');
select throws_ok(format($$ select public.end_session(%L, 'completed') $$, :'s1'), '22023',
  'p_status must be declined or turned_away (got "completed"); a session is completed only by complete_session',
  'nobody marks a session completed through end_session');
select throws_ok(format($$ select public.end_session(%L, 'started') $$, :'s1'), '22023', null, 'nor started');
select throws_ok(format($$ select public.end_session(%L, 'turned_away') $$, :'s1'), '22023',
  'p_reason is required for turned_away (e.g. phone, small window 800x500)', 'turned away needs a reason');
select throws_ok(format($$ select public.end_session(%L, 'turned_away', repeat('x', 201)) $$, :'s1'), '22023', null,
  'a reason longer than 200 characters is refused');

-- reconsidering: the same session starts again and is in progress
select is(public.start_session(:'s1', 'ends', 'prolific', 'PW1') ->> 'status', 'started',
  'a person who declined and reloads resumes her session, in progress again');
select is((select status_reason is null and ended_at is null from public.sessions where id = :'s1'), true, 'its end is cleared');

-- someone else's session is never touched
select tests.authenticate_as(:'p2');
select throws_ok(format($$ select public.end_session(%L, 'declined') $$, :'s1'), '42501', null,
  'another participant cannot mark someone else''s session');
select tests.authenticate_as(:'owner');
select throws_ok(format($$ select public.end_session(%L, 'declined') $$, :'s1'), '42501', null,
  'nor can the study''s owner');
select tests.as_anon();
select throws_ok(format($$ select public.end_session(%L, 'declined') $$, :'s1'), '42501', null,
  'nor the anon key alone');
select tests.authenticate_as(:'p2');
select throws_ok(format($$ select public.end_session(%L, 'declined') $$, gen_random_uuid()), '42501', null,
  'an unknown session is not yours either');

-- turned away on a phone, then the same worker on a computer continues that session
select public.start_session(:'s2_phone', 'ends', 'mturk', 'MW2', 'A2', 'H2', null, null, '{"mobile": true}') is not null as started \gset
select is(public.end_session(:'s2_phone', 'turned_away', 'phone') ->> 'screenout_code', null,
  'an MTurk session gets no Prolific screen-out code');
select is((select status::text || ' ' || status_reason from public.sessions where id = :'s2_phone'), 'turned_away phone',
  'the session is recorded as turned away, with the reason');
select tests.authenticate_as(:'p3');
select is(public.start_session(:'s2', 'ends', 'mturk', 'MW2', 'A2', 'H2', null, null, '{"mobile": false}') ->> 'session_id', :'s2_phone',
  'the worker on another device resumes the session she was turned away from');
select is((select status::text from public.sessions where id = :'s2_phone'), 'started', 'which is in progress again');
select is((select client_info ->> 'mobile' from public.sessions where id = :'s2_phone'), 'false', 'with the latest browser''s details');

-- a completed session cannot be marked; a revisit of the same assignment gets its code back
select is(public.record_trials(:'s2_phone', jsonb_build_array(tests.trial(0, :'cat0'), tests.trial(1, :'car1', 'non_animal'))) -> 1 ->> 'status',
  'stored', 'the worker records her trials');
select public.complete_session(:'s2_phone') ->> 'completion_code' as code2 \gset
select throws_ok(format($$ select public.end_session(%L, 'declined') $$, :'s2_phone'), 'PT409', null,
  'a completed session cannot be marked declined');
select tests.authenticate_as(:'p4');
select is(public.start_session(:'s3', 'ends', 'mturk', 'MW2', 'A2', 'H2') ->> 'completion_code', :'code2',
  'the same worker revisiting the same assignment from another browser gets her completion code back');
select throws_ok(format($$ select public.start_session(%L, 'ends', 'mturk', 'MW2', 'A9', 'H2') $$, :'s3_again'), 'PT409',
  'worker MW2 already took part in study "ends"', 'another assignment of a worker who completed is turned away');
select throws_ok(format($$ select public.start_session(%L, 'ends', 'mturk', 'MW2') $$, :'s3_again'), 'PT409', null,
  'and so is a visit without an assignment');

-- a completed Prolific session's revisit carries the study's Prolific completion code
select tests.authenticate_as(:'p1');
select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(0, :'cat0'), tests.trial(1, :'car1', 'non_animal'))) -> 0 ->> 'status',
  'stored', 'the Prolific participant records her trials');
select ok(public.complete_session(:'s1') ->> 'completion_code' is not null, 'and completes');
select tests.authenticate_as(:'p2');
select is(public.start_session(:'s4', 'ends', 'prolific', 'PW1', null, null, 'ST1', 'SE1') ->> 'prolific_completion_code', 'DONE42',
  'her revisit of the same Prolific session returns the Prolific completion code');
select throws_ok(format($$ select public.start_session(%L, 'ends', 'prolific', 'PW1', null, null, 'ST1', 'SE9') $$, :'s4_again'), 'PT409',
  null, 'another Prolific session of hers is turned away');

-- Latin-square rows: people who declined or were turned away leave no gap
select tests.authenticate_as(:'p2');
select public.start_session(:'s5', 'ends', 'prolific', 'PW5') ->> 'latin_row' as row5 \gset
select public.end_session(:'s5', 'turned_away', 'small window 500x400') is not null as ended \gset
select tests.authenticate_as(:'p3');
select is(public.start_session(gen_random_uuid(), 'ends', 'prolific', 'PW6') ->> 'latin_row', :'row5',
  'the next participant gets the row of the one turned away');

-- study_participants: the owner sees every session with its status; nobody else sees any
select tests.authenticate_as(:'owner');
select results_eq(
  $$ select worker_id, status, status_reason, trials_saved from public.study_participants order by worker_id $$,
  $$ values ('MW2', 'completed', null::text, 2), ('PW1', 'completed', null, 2), ('PW5', 'turned_away', 'small window 500x400', 0),
            ('PW6', 'started', null, 0) $$,
  'the owner reads each session''s platform id, status, reason and trials stored');
select ok((select ended_at is not null and completion_code is not null from public.study_participants where worker_id = 'MW2'),
  'with its end time and completion code');
select tests.authenticate_as(:'other');
select is((select count(*)::int from public.study_participants), 0, 'another researcher sees none of them');
select tests.authenticate_as(:'p3');
select is((select count(*)::int from public.study_participants), 0, 'a participant sees none either');

select * from finish();
rollback;
