-- Issue 13, finding 5: what the anon key and a participant learn, and when a code is issued.
--   * get_study returns the participant's part of the config only (PARTICIPANT_CONFIG_KEYS below,
--     the keys src/experiments/config.ts resolveStudyConfig reads, less the secret
--     prolific_completion_code), and a draft study only to its owner;
--   * a draft study takes sessions only in local mode from its owner (trying it out while signed
--     in); live studies take everyone, closed ones nobody new;
--   * complete_session issues a code only when the session's planned trials are stored (see
--     planned_trials), and hands a Prolific session the study's Prolific completion code;
--   * study_of_session answers only for the caller's own session or a session of their study.

-- The config keys a participant's page reads: every key of StudyConfig (src/experiments/config.ts)
-- except SECRET_CONFIG_KEYS there. A contract test (src/standin/security.test.ts) checks the two agree.
create function public.participant_config(p_config jsonb) returns jsonb
language sql immutable set search_path = '' as $$
  select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
    from jsonb_each(case when jsonb_typeof(p_config) = 'object' then p_config else '{}'::jsonb end) e
   where e.key in ('keys', 'blocks', 'practice_trials', 'images_per_session', 'timing', 'stimulus_px', 'texts', 'payment')
$$;

-- How many trials a participant's design has, from what the server knows: the study's config and
-- the number of images of its set. The SQL twin of planSession (src/experiments/design.ts) with
-- resolveStudyConfig's defaults (practice_trials 6, images_per_session null = all):
--   practice = min(practice_trials, images)         (practiceImageIds takes them while there are any)
--   main     = min(images - practice, images_per_session)
-- src/standin/security.test.ts checks it against planSession for several configs.
create function public.planned_trials(p_config jsonb, p_images integer, out practice integer, out main integer)
language sql immutable set search_path = '' as $$
  with c as (
    select least(greatest(p_images, 0),
                 case when jsonb_typeof(p_config -> 'practice_trials') = 'number'
                      then greatest(0, (p_config ->> 'practice_trials')::numeric)::bigint else 6 end)::integer as practice,
           case when jsonb_typeof(p_config -> 'images_per_session') = 'number'
                then greatest(0, (p_config ->> 'images_per_session')::numeric)::bigint end as per_session
  )
  select c.practice, least(greatest(p_images, 0) - c.practice, coalesce(c.per_session, 2147483647))::integer from c
$$;

revoke execute on function public.participant_config(jsonb), public.planned_trials(jsonb, integer) from public;
grant execute on function public.participant_config(jsonb), public.planned_trials(jsonb, integer) to anon, authenticated, service_role;

create or replace function public.study_accepts(p_study public.studies, p_platform text) returns boolean
language sql stable security definer set search_path = '' as $$
  select p_study.status = 'live'
      or (p_study.status = 'draft' and p_platform = 'local' and p_study.owner_id = auth.uid())
$$;

-- Public description of a study for its participant page: no owner, no secrets, no drafts
-- (except to their owner).
create or replace function public.get_study(p_slug text) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  result jsonb;
begin
  select jsonb_build_object(
           'id', st.id, 'slug', st.slug, 'title', st.title, 'description', st.description,
           'status', st.status, 'config', public.participant_config(st.config),
           'stimulus_set', jsonb_build_object('id', ss.id, 'slug', ss.slug, 'base_url', ss.base_url,
                                              'levels', to_jsonb(ss.levels)))
    into result
    from public.studies st join public.stimulus_sets ss on ss.id = st.stimulus_set_id
   where st.slug = p_slug and (st.status <> 'draft' or st.owner_id = auth.uid());
  if result is null then
    raise exception 'no study with slug "%"', p_slug using errcode = 'PT404';
  end if;
  return result;
end
$$;

-- The study of a session, for the caller's own session or a session of a study they own (null
-- otherwise): used by the trials policy, never an oracle for others' sessions.
create or replace function public.study_of_session(p_session_id uuid) returns uuid
language sql stable security definer set search_path = '' as $$
  select s.study_id from public.sessions s
   where s.id = p_session_id
     and (s.user_id = auth.uid()
          or exists (select 1 from public.studies st where st.id = s.study_id and st.owner_id = auth.uid()))
$$;

-- Complete the caller's session and hand out its completion code. Idempotent: a repeated call
-- returns the same code. The code is issued only when the session's planned trials are stored
-- (planned_trials: at least all main-block trials, and as many trials in all as the design has);
-- otherwise PT409 with hint trials_missing. `trials_saved` is what the server holds.
-- A Prolific session also gets the study's Prolific completion code (the redirect carries it).
create or replace function public.complete_session(p_session_id uuid) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_session public.sessions%rowtype;
  v_config jsonb;
  v_images integer;
  v_plan record;
  v_saved integer;
  v_main integer;
begin
  select * into v_session from public.sessions where id = p_session_id for update;
  if not found or v_session.user_id is distinct from auth.uid() then
    raise exception 'session % is not yours', p_session_id using errcode = '42501';
  end if;
  select st.config, (select count(*) from public.images i where i.set_id = st.stimulus_set_id)
    into v_config, v_images
    from public.studies st where st.id = v_session.study_id;
  if v_session.status <> 'completed' then
    select count(*), count(*) filter (where t.block = 'main') into v_saved, v_main
      from public.trials t where t.session_id = p_session_id;
    select * into v_plan from public.planned_trials(v_config, v_images);
    if v_main < v_plan.main or v_saved < greatest(1, v_plan.practice + v_plan.main) then
      raise exception 'the session has % of % trials stored (% of % in the main blocks): send the rest before completing',
        v_saved, greatest(1, v_plan.practice + v_plan.main), v_main, v_plan.main
        using errcode = 'PT409', hint = 'trials_missing';
    end if;
    update public.sessions
       set status = 'completed', completed_at = now(), trials_saved = v_saved,
           completion_code = upper(encode(extensions.gen_random_bytes(5), 'hex'))
     where id = p_session_id
    returning * into v_session;
  end if;
  return jsonb_build_object('completion_code', v_session.completion_code, 'trials_saved', v_session.trials_saved,
    'prolific_completion_code', case when v_session.platform = 'prolific' then v_config ->> 'prolific_completion_code' end);
end
$$;
