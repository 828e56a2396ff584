-- Issue 15, item 9: an optional screen calibration (StudyConfig.calibration, src/experiments/
-- config.ts; 'none' by default). With 'virtual-chinrest' the participant sizes a credit card on the
-- screen and finds their blind spot (jsPsych's virtual-chinrest plugin); the result is stored with
-- the session, so stimulus sizes can be reported in degrees of visual angle:
--   angle(px) = 2 * atan(px / (2 * px_per_mm * viewing_distance_mm))   (src/experiments/calibration.ts)
--  * sessions get px_per_mm, viewing_distance_mm, px_per_degree and calibrated_at (null: not
--    calibrated), with named bounds whose comments are the sentences the client gets back;
--  * record_calibration(session, px_per_mm, viewing_distance_mm, px_per_degree) stores them for the
--    caller's own session (again: the last measurement counts) until the session is completed;
--  * participant_config gains the key 'calibration' (the participant's page must know whether to
--    calibrate); src/standin/security.test.ts checks the list against StudyConfig.

alter table public.sessions
  add column px_per_mm double precision,
  add column viewing_distance_mm double precision,
  add column px_per_degree double precision,
  add column calibrated_at timestamptz,
  add constraint sessions_px_per_mm_range check (px_per_mm > 0 and px_per_mm < 100),
  add constraint sessions_viewing_distance_mm_range check (viewing_distance_mm > 0 and viewing_distance_mm < 10000),
  add constraint sessions_px_per_degree_range check (px_per_degree > 0 and px_per_degree < 10000),
  add constraint sessions_calibration_complete check (
    (px_per_mm is null) = (viewing_distance_mm is null) and (px_per_mm is null) = (px_per_degree is null)
    and (px_per_mm is null) = (calibrated_at is null));

comment on column public.sessions.px_per_mm is 'Screen calibration (virtual chinrest): CSS pixels per millimetre on the participant''s screen; null when not calibrated.';
comment on column public.sessions.viewing_distance_mm is 'Screen calibration: the participant''s viewing distance from the blind-spot measurement, mm.';
comment on column public.sessions.px_per_degree is 'Screen calibration: CSS pixels per degree of visual angle at the centre of the screen (the plugin''s px2deg).';
comment on column public.sessions.calibrated_at is 'When the screen calibration was stored.';
comment on constraint sessions_px_per_mm_range on public.sessions is 'px_per_mm must be over 0 and under 100';
comment on constraint sessions_viewing_distance_mm_range on public.sessions is 'viewing_distance_mm must be over 0 and under 10000 mm';
comment on constraint sessions_px_per_degree_range on public.sessions is 'px_per_degree must be over 0 and under 10000';
comment on constraint sessions_calibration_complete on public.sessions is 'a calibration needs px_per_mm, viewing_distance_mm and px_per_degree together';

-- Store the screen calibration of the caller's own, unfinished session. Returns the stored values.
create function public.record_calibration(p_session_id uuid, p_px_per_mm double precision,
                                          p_viewing_distance_mm double precision, p_px_per_degree double precision)
returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_session public.sessions%rowtype;
  v_constraint text;
  v_sentence text;
begin
  select * into v_session from public.sessions where id = p_session_id for update;
  if not found or v_session.user_id is distinct from auth.uid() then
    raise exception 'session % is not yours', p_session_id using errcode = '42501';
  end if;
  if v_session.status = 'completed' then
    raise exception 'the session is completed and takes no calibration' using errcode = 'PT409', hint = 'session_completed';
  end if;
  if p_px_per_mm is null or p_viewing_distance_mm is null or p_px_per_degree is null then
    raise exception 'a calibration needs px_per_mm, viewing_distance_mm and px_per_degree together' using errcode = '22023';
  end if;
  begin
    update public.sessions
       set px_per_mm = p_px_per_mm, viewing_distance_mm = p_viewing_distance_mm,
           px_per_degree = p_px_per_degree, calibrated_at = now()
     where id = p_session_id;
  exception when check_violation then
    get stacked diagnostics v_constraint = constraint_name;
    select pg_catalog.obj_description(c.oid, 'pg_constraint') into v_sentence
      from pg_catalog.pg_constraint c where c.conrelid = 'public.sessions'::regclass and c.conname = v_constraint;
    raise exception '%', coalesce(v_sentence, 'the calibration is out of bounds') using errcode = '22023';
  end;
  return jsonb_build_object('px_per_mm', p_px_per_mm, 'viewing_distance_mm', p_viewing_distance_mm, 'px_per_degree', p_px_per_degree);
end
$$;

revoke execute on function public.record_calibration(uuid, double precision, double precision, double precision) from public;
grant execute on function public.record_calibration(uuid, double precision, double precision, double precision) to authenticated;
comment on function public.record_calibration(uuid, double precision, double precision, double precision) is
  'Stores the screen calibration (virtual chinrest) of the caller''s own unfinished session.';

-- The participant's part of the config, now with 'calibration' (as in participant_exposure otherwise).
create or replace function public.participant_config(p_config jsonb) returns jsonb
language sql immutable set search_path = '' as $$
  select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
    from jsonb_each(case when jsonb_typeof(p_config) = 'object' then p_config else '{}'::jsonb end) e
   where e.key in ('keys', 'blocks', 'practice_trials', 'images_per_session', 'timing', 'stimulus_px', 'texts', 'payment', 'calibration')
$$;
