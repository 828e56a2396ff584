-- Issue 15: the participant's config keys, once for this wave's three changes.
-- 20261130100000_study_settings added mturk_mode (and prolific_screenout_code, but that is a secret
-- like prolific_completion_code, src/experiments/config.ts SECRET_CONFIG_KEYS: only end_session
-- hands it to a Prolific session that is turned away); 20261130300100_screen_calibration added
-- calibration. Each redefined the list from the same base.
create or replace function public.participant_config(p_config jsonb) returns jsonb
language sql immutable set search_path = '' as $$
  select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
    from jsonb_each(case when jsonb_typeof(p_config) = 'object' then p_config else '{}'::jsonb end) e
   where e.key in ('keys', 'blocks', 'practice_trials', 'images_per_session', 'timing', 'stimulus_px', 'texts', 'payment',
                   'mturk_mode', 'calibration')
$$;
