-- The screen calibration (migration screen_calibration): a participant stores their own session's
-- calibration until it is completed, out-of-bounds values are refused with a sentence, the study's
-- owner reads it, nobody else writes it, and get_study passes the study's calibration setting on.
begin;
select plan(13);

select tests.create_researcher('owner@example.org') as owner \gset
select tests.create_researcher('other@example.org') as other \gset
select tests.create_study(:'owner', 'calib') as study \gset
select tests.create_user() as p1 \gset
select tests.create_user() as p2 \gset
select tests.stimulus(:'study', 'cat', 0) as cat0 \gset
select gen_random_uuid() as s1 \gset

select tests.authenticate_as(:'p1');
select public.start_session(:'s1', 'calib', 'local') is not null as started \gset
select is(public.record_calibration(:'s1', 3.78, 600, 39.6),
  '{"px_per_mm": 3.78, "viewing_distance_mm": 600, "px_per_degree": 39.6}'::jsonb, 'a participant stores their session''s calibration');
select is(public.record_calibration(:'s1', 3.8, 550, 36.5) ->> 'viewing_distance_mm', '550', 'a second measurement replaces the first');
select results_eq(format($$ select px_per_mm, viewing_distance_mm, px_per_degree, calibrated_at is not null from public.sessions where id = %L $$, :'s1'),
  $$ values (3.8::double precision, 550::double precision, 36.5::double precision, true) $$, 'it is stored with the session');
select throws_ok(format($$ select public.record_calibration(%L, 0, 600, 39.6) $$, :'s1'), '22023',
  'px_per_mm must be over 0 and under 100', 'a zero pixel size is refused with its sentence');
select throws_ok(format($$ select public.record_calibration(%L, 3.8, 20000, 39.6) $$, :'s1'), '22023',
  'viewing_distance_mm must be over 0 and under 10000 mm', 'an absurd viewing distance is refused with its sentence');
select throws_ok(format($$ select public.record_calibration(%L, 3.8, 600, null) $$, :'s1'), '22023',
  'a calibration needs px_per_mm, viewing_distance_mm and px_per_degree together', 'a partial calibration is refused');

select tests.authenticate_as(:'p2');
select throws_ok(format($$ select public.record_calibration(%L, 3.8, 600, 39.6) $$, :'s1'), '42501', null,
  'another participant cannot calibrate the session');
select tests.as_anon();
select throws_ok(format($$ select public.record_calibration(%L, 3.8, 600, 39.6) $$, :'s1'), '42501', null,
  'the anon key cannot call it');

select tests.authenticate_as(:'owner');
select is((select px_per_degree from public.sessions where id = :'s1'), 36.5::double precision, 'the study''s owner reads the calibration');
select tests.authenticate_as(:'other');
select is((select count(*)::int from public.sessions where id = :'s1'), 0, 'another researcher does not');

-- a completed session takes no calibration
select tests.as_superuser();
update public.sessions set status = 'completed', completed_at = now(), completion_code = 'X' where id = :'s1';
select tests.authenticate_as(:'p1');
select throws_ok(format($$ select public.record_calibration(%L, 3.8, 600, 39.6) $$, :'s1'), 'PT409',
  'the session is completed and takes no calibration', 'a completed session takes no calibration');

-- the participant's page learns whether to calibrate; secrets stay out
select tests.as_superuser();
update public.studies set config = '{"calibration": "virtual-chinrest", "prolific_completion_code": "SECRET"}' where id = :'study';
select tests.as_anon();
select is(public.get_study('calib') -> 'config' ->> 'calibration', 'virtual-chinrest', 'get_study passes the calibration setting on');
select is(public.get_study('calib') -> 'config' -> 'prolific_completion_code', null, 'and still leaves the secret out');

select * from finish();
rollback;
