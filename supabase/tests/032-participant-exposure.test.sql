-- Issue 13, finding 5: the anon key and a participant learn only what the participant page needs;
-- drafts are their owner's; a completion code needs the planned trials stored; study_of_session
-- answers only for one's own session or study. Each case allowed and refused.
begin;
select plan(22);

select tests.create_researcher('owner@example.org') as owner \gset
select tests.create_researcher('other@example.org') as other \gset
select tests.create_study(:'owner', 'secret-exp') as study \gset
select tests.create_study(:'owner', 'draft-exp', 'draft') as draft \gset
update public.studies set config = '{"practice_trials": 0, "images_per_session": 2, "blocks": 1, "prolific_completion_code": "SECRET42"}'
 where id = :'study';
select tests.create_user() as p1 \gset
select tests.create_user() as p2 \gset
select tests.stimulus(:'study', 'cat', 0) as cat0 \gset
select tests.stimulus(:'study', 'car', 1) as car1 \gset
select gen_random_uuid() as s1, gen_random_uuid() as s2 \gset

-- get_study: the participant's config only, drafts only to their owner
select tests.as_anon();
select is(public.get_study('secret-exp') -> 'config', '{"practice_trials": 0, "images_per_session": 2, "blocks": 1}'::jsonb,
  'anon reads the participant''s config, without the Prolific completion code');
select throws_ok($$ select public.get_study('draft-exp') $$, 'PT404', 'no study with slug "draft-exp"', 'anon does not read a draft');
select tests.authenticate_as(:'p1');
select throws_ok($$ select public.get_study('draft-exp') $$, 'PT404', null, 'a participant does not read a draft');
select tests.authenticate_as(:'other');
select throws_ok($$ select public.get_study('draft-exp') $$, 'PT404', null, 'another researcher does not read a draft');
select tests.authenticate_as(:'owner');
select is(public.get_study('draft-exp') ->> 'status', 'draft', 'the owner reads her draft, to try it out');

-- drafts take sessions only from their owner, in local mode
select tests.authenticate_as(:'p1');
select throws_ok(format($$ select public.start_session(%L, 'draft-exp', 'local') $$, gen_random_uuid()), 'PT409', null,
  'a participant cannot start a session of a draft');
select tests.authenticate_as(:'other');
select throws_ok(format($$ select public.start_session(%L, 'draft-exp', 'local') $$, gen_random_uuid()), 'PT409', null,
  'another researcher cannot start a session of a draft');
select tests.authenticate_as(:'owner');
select throws_ok(format($$ select public.start_session(%L, 'draft-exp', 'prolific', 'OWNERW') $$, gen_random_uuid()), 'PT409', null,
  'the owner cannot recruit on a platform into a draft');
select is(public.start_session(gen_random_uuid(), 'draft-exp', 'local') ->> 'resumed', 'false', 'the owner tries her draft out in local mode');

-- completion: only with the planned trials stored (here 0 practice + 2 main)
select tests.authenticate_as(:'p1');
select public.start_session(:'s1', 'secret-exp', 'prolific', 'PW1') is not null as started \gset
select is((public.planned_trials('{"practice_trials": 0, "images_per_session": 2}', 2)).main, 2, 'the design plans 2 main trials');
select throws_ok(format($$ select public.complete_session(%L) $$, :'s1'), 'PT409',
  'the session has 0 of 2 trials stored (0 of 2 in the main blocks): send the rest before completing',
  'no code for a session with no trials');
select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(0, :'cat0'))) -> 0 ->> 'status', 'stored', 'one trial stored');
select throws_ok(format($$ select public.complete_session(%L) $$, :'s1'), 'PT409', null, 'no code with one of two trials');
select is((select status from public.sessions where id = :'s1'), 'started', 'the session stays open');
select is(public.record_trials(:'s1', jsonb_build_array(tests.trial(1, :'car1', 'non_animal'))) -> 0 ->> 'status', 'stored', 'the second trial stored');
select public.complete_session(:'s1') as done \gset
select ok(:'done'::jsonb ->> 'completion_code' ~ '^[0-9A-F]{10}$', 'with every planned trial stored the code is issued');
select is(:'done'::jsonb ->> 'prolific_completion_code', 'SECRET42', 'a Prolific session gets the study''s Prolific code on completion');

-- study_of_session: one's own session or one's own study only
select is(public.study_of_session(:'s1'), :'study'::uuid, 'a participant learns the study of her own session');
select tests.authenticate_as(:'p2');
select public.start_session(:'s2', 'secret-exp', 'mturk', 'MW2') is not null as started2 \gset
select is(public.study_of_session(:'s1'), null, 'another participant learns nothing from another''s session id');
select tests.authenticate_as(:'other');
select is(public.study_of_session(:'s1'), null, 'another researcher learns nothing either');
select tests.authenticate_as(:'owner');
select is(public.study_of_session(:'s1'), :'study'::uuid, 'the study''s owner learns it');
select is((select count(*)::int from public.trials), 2, 'and reads its trials');

select * from finish();
rollback;
