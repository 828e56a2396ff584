-- Issue 15, item 2: study status (draft, live, paused, closed), hiding (delete keeps the data),
-- duplicating, and the participant's config. Each rule allowed and refused.
begin;
select plan(35);

select tests.create_researcher('owner@example.org') as owner \gset
select tests.create_researcher('other@example.org') as other \gset
select tests.create_study(:'owner', 'settings-live') as study \gset
select tests.create_user() as p1 \gset
select tests.create_user() as p2 \gset

-- status: a closed list
select has_type('public', 'study_status', 'study status is an enum');
select results_eq($$ select unnest(enum_range(null::public.study_status))::text $$,
  array['draft', 'live', 'paused', 'closed'], 'its values: draft, live, paused, closed');
select tests.authenticate_as(:'owner');
select throws_ok(format($$ update public.studies set status = 'archived' where id = %L $$, :'study'), '22P02', null,
  'a status outside the list is refused');

-- a live study: p1 starts a session
select tests.authenticate_as(:'p1');
select gen_random_uuid() as s1 \gset
select is(public.start_session(:'s1', 'settings-live', 'prolific', 'PW1') ->> 'resumed', 'false', 'a live study takes a new participant');

-- pausing: the owner may, nobody else
select tests.authenticate_as(:'other');
update public.studies set status = 'paused' where id = :'study';
select tests.authenticate_as(:'owner');
select is((select status::text from public.studies where id = :'study'), 'live', 'another researcher cannot pause the study');
update public.studies set status = 'paused' where id = :'study';
select is((select status::text from public.studies where id = :'study'), 'paused', 'the owner pauses her study');
select tests.authenticate_as(:'p1');
update public.studies set status = 'live' where id = :'study';
select tests.as_superuser();
select is((select status::text from public.studies where id = :'study'), 'paused', 'a participant cannot change the status');

-- a paused study: no new participants, with a sentence; the one already in resumes
select tests.authenticate_as(:'p2');
select throws_ok($$ select public.start_session(gen_random_uuid(), 'settings-live', 'prolific', 'PW2') $$, 'PT409',
  'This study is paused and is not taking new participants at the moment. Please try again later.',
  'a paused study turns a new participant away with a sentence');
select throws_ok($$ select public.start_session(gen_random_uuid(), 'settings-live', 'local') $$, 'PT409', null,
  'a paused study takes no new local session either');
select is((public.get_study('settings-live') ->> 'status'), 'paused', 'get_study tells the page the study is paused');
select tests.authenticate_as(:'p1');
select is(public.start_session(:'s1', 'settings-live', 'prolific', 'PW1') ->> 'resumed', 'true',
  'a participant of a paused study resumes her session');
select is(public.start_session(gen_random_uuid(), 'settings-live', 'prolific', 'PW1') ->> 'session_id', :'s1',
  'and from a new browser (a new session id) too');

-- closed
select tests.authenticate_as(:'owner');
update public.studies set status = 'closed' where id = :'study';
select tests.authenticate_as(:'p2');
select throws_ok($$ select public.start_session(gen_random_uuid(), 'settings-live', 'mturk', 'W2', 'A2') $$, 'PT409',
  'This study is closed and is no longer taking participants. Thank you for your interest.',
  'a closed study turns a new participant away with a sentence');
select tests.authenticate_as(:'p1');
select is(public.start_session(:'s1', 'settings-live', 'prolific', 'PW1') ->> 'resumed', 'true',
  'a participant of a closed study resumes her session');
-- live again
select tests.authenticate_as(:'owner');
update public.studies set status = 'live' where id = :'study';
select tests.authenticate_as(:'p2');
select is(public.start_session(gen_random_uuid(), 'settings-live', 'prolific', 'PW2') ->> 'resumed', 'false',
  'a study live again takes new participants');
-- a draft still answers with its own sentence
select tests.authenticate_as(:'owner');
update public.studies set status = 'draft' where id = :'study';
select tests.authenticate_as(:'p2');
select throws_ok($$ select public.start_session(gen_random_uuid(), 'settings-live', 'prolific', 'PW3') $$, 'PT409',
  'This study is not open yet: only its researcher can try it out.', 'a draft turns a platform participant away');
select tests.authenticate_as(:'owner');
update public.studies set status = 'live' where id = :'study';

-- hiding (delete): only the owner; data kept; participants and anon find nothing
select tests.authenticate_as(:'other');
update public.studies set hidden_at = now() where id = :'study';
select tests.as_superuser();
select ok((select hidden_at is null from public.studies where id = :'study'), 'another researcher cannot hide the study');
select tests.authenticate_as(:'p1');
update public.studies set hidden_at = now() where id = :'study';
select tests.as_superuser();
select ok((select hidden_at is null from public.studies where id = :'study'), 'a participant cannot hide the study');
select tests.authenticate_as(:'owner');
update public.studies set hidden_at = now() where id = :'study';
select ok((select hidden_at is not null from public.studies where id = :'study'), 'the owner hides (deletes) her study');
select is((select count(*)::int from public.sessions where study_id = :'study'), 2, 'its sessions are kept, and she still reads them');
select tests.as_anon();
select throws_ok($$ select public.get_study('settings-live') $$, 'PT404', 'no study with slug "settings-live"',
  'anon does not find a hidden study');
select tests.authenticate_as(:'p2');
select throws_ok($$ select public.get_study('settings-live') $$, 'PT404', null, 'a participant does not find a hidden study');
select throws_ok($$ select public.start_session(gen_random_uuid(), 'settings-live', 'prolific', 'PW4') $$, 'PT404',
  'no study with slug "settings-live"', 'nor can start a session in it');
select tests.authenticate_as(:'owner');
select throws_ok($$ select public.get_study('settings-live') $$, 'PT404', null, 'get_study does not show it to its owner either');
select throws_ok($$ insert into public.studies (slug, title, stimulus_set_id)
                    select 'settings-live', 'Again', stimulus_set_id from public.studies where slug = 'settings-live' $$,
  '23505', null, 'a hidden study keeps its short name');
update public.studies set hidden_at = null where id = :'study';
select tests.authenticate_as(:'p2');
select is(public.get_study('settings-live') ->> 'slug', 'settings-live', 'a restored study is found again');

-- duplicating: a draft copy of one's own study under a new name
select tests.authenticate_as(:'owner');
update public.studies set config = '{"blocks": 2, "prolific_completion_code": "C0PY"}' where id = :'study';
select public.duplicate_study(:'study', 'settings-copy', 'Copy of settings') as copy \gset
select is((:'copy'::public.studies).status::text, 'draft', 'the copy is a draft');
select is((select config from public.studies where slug = 'settings-copy'), '{"blocks": 2, "prolific_completion_code": "C0PY"}'::jsonb,
  'the copy has the study''s config');
select is((select (owner_id, stimulus_set_id, hidden_at) from public.studies where slug = 'settings-copy')::text,
  (select (owner_id, stimulus_set_id, null::timestamptz) from public.studies where slug = 'settings-live')::text,
  'the copy is hers, on the same set, shown');
select throws_ok(format($$ select public.duplicate_study(%L, 'settings-live', 'Taken') $$, :'study'), '23505', null,
  'a copy under a taken short name is refused');
select throws_ok(format($$ select public.duplicate_study(%L, 'Bad Name', 'Bad') $$, :'study'), '23514', null,
  'a copy under a malformed short name is refused');
select tests.authenticate_as(:'other');
select throws_ok(format($$ select public.duplicate_study(%L, 'stolen-copy', 'Stolen') $$, :'study'), 'PT404', null,
  'another researcher cannot duplicate the study');
select tests.authenticate_as(:'p1');
select throws_ok(format($$ select public.duplicate_study(%L, 'p-copy', 'P') $$, :'study'), 'PT404', null,
  'a participant cannot duplicate it');
select tests.as_anon();
select throws_ok(format($$ select public.duplicate_study(%L, 'anon-copy', 'A') $$, :'study'), '42501', null,
  'anon cannot call duplicate_study');

-- the participant's config: the new non-secret keys, never the completion code
select tests.as_superuser();
update public.studies set config = '{"mturk_mode": "live", "prolific_screenout_code": "OUT1", "prolific_completion_code": "SECRET"}'
 where id = :'study';
select tests.as_anon();
-- the screen-out code is a secret too: end_session hands it to a turned-away Prolific session (033)
select is(public.get_study('settings-live') -> 'config', '{"mturk_mode": "live"}'::jsonb,
  'participants read the MTurk mode, not the completion or screen-out code');

select * from finish();
rollback;
