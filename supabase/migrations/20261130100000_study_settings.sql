-- Issue 15, item 2: study settings edited on the dashboard.
--   * status is a closed list, now an enum: draft, live, paused, closed. A paused or closed study
--     takes no new participants (start_session answers PT409, hint study_not_open, with a sentence
--     for the participant); a participant who already has a session resumes it;
--   * deleting a study hides it (hidden_at): its data stay, its owner still reads it (and may
--     restore it), participants and the anon key no longer find it (get_study and start_session
--     answer like for an unknown slug);
--   * duplicate_study copies a study's config to a new draft under a new short name;
--   * the participant's config (participant_config) gains the new non-secret keys of StudyConfig
--     (src/experiments/config.ts): mturk_mode and prolific_screenout_code. The new texts fields
--     (consent_title, contact, ethics_committee, ethics_approval_id) live inside `texts`.

create type public.study_status as enum ('draft', 'live', 'paused', 'closed');
comment on type public.study_status is
  'draft: only its owner tries it (local mode); live: takes participants; paused: takes no new participants for now; closed: takes no new participants.';

alter table public.studies drop constraint studies_status_check;
alter table public.studies alter column status drop default;
alter table public.studies alter column status type public.study_status using status::public.study_status;
alter table public.studies alter column status set default 'draft';

alter table public.studies add column hidden_at timestamptz;
comment on column public.studies.hidden_at is
  'When its owner deleted the study (null: shown). A hidden study keeps its data and its short name; participants no longer find it.';
grant update (hidden_at) on public.studies to authenticated;

-- The sentences a client shows for a broken constraint of studies (src/data/studies.ts turns
-- the errors into these, naming the study that holds a taken short name when it is the caller's).
comment on constraint studies_slug_key on public.studies is 'the short name is already used by another study';
comment on constraint studies_slug_check on public.studies is
  'the short name must be 2-63 lower-case letters, digits or -, starting with a letter or digit';
comment on constraint studies_title_check on public.studies is 'the title must be 1-200 characters';

-- The config keys a participant's page reads: every key of StudyConfig (src/experiments/config.ts)
-- except SECRET_CONFIG_KEYS there. A contract test (src/standin/security.test.ts) checks the two agree.
create or replace function public.participant_config(p_config jsonb) returns jsonb
language sql immutable set search_path = '' as $$
  select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
    from jsonb_each(case when jsonb_typeof(p_config) = 'object' then p_config else '{}'::jsonb end) e
   where e.key in ('keys', 'blocks', 'practice_trials', 'images_per_session', 'timing', 'stimulus_px', 'texts', 'payment',
                   'mturk_mode', 'prolific_screenout_code')
$$;

-- Whether a study takes a new session on this platform from the caller: live takes everyone; a
-- draft only its owner in local mode; paused, closed and hidden studies nobody new.
create or replace function public.study_accepts(p_study public.studies, p_platform text) returns boolean
language sql stable security definer set search_path = '' as $$
  select p_study.hidden_at is null
     and (p_study.status = 'live'
          or (p_study.status = 'draft' and p_platform = 'local' and p_study.owner_id = auth.uid()))
$$;

-- Why a study turns a new participant away: the sentence start_session answers with (the
-- participant page shows it). Null when the study takes them.
create function public.study_not_open_reason(p_study public.studies, p_platform text) returns text
language sql stable security definer set search_path = '' as $$
  select case
    when public.study_accepts(p_study, p_platform) then null
    when p_study.status = 'paused' then
      'This study is paused and is not taking new participants at the moment. Please try again later.'
    when p_study.status = 'closed' then
      'This study is closed and is no longer taking participants. Thank you for your interest.'
    else 'This study is not open yet: only its researcher can try it out.'
  end
$$;
revoke execute on function public.study_accepts(public.studies, text), public.study_not_open_reason(public.studies, text)
  from public, anon, authenticated;

-- Public description of a study for its participant page: no owner, no secrets, no drafts (except
-- to their owner), no hidden studies. `status` tells the page whether it takes new participants.
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
   where st.slug = p_slug and st.hidden_at is null and (st.status <> 'draft' or st.owner_id = auth.uid());
  if result is null then
    raise exception 'no study with slug "%"', p_slug using errcode = 'PT404';
  end if;
  return result;
end
$$;

-- start_session: a hidden study is not found, and a study that takes no new participants answers
-- with study_not_open_reason's sentence (paused, closed, draft); resuming works in every status.
-- Defined once, with this wave's other changes, in 20261130210000_start_session_merged.

-- A copy of one of the caller's studies under a new short name and title: same set, description
-- and config, status draft, shown. Runs as the caller (security invoker), so the studies
-- policies decide: only one's own study is found, and the insert is checked like any other.
create function public.duplicate_study(p_study_id uuid, p_slug text, p_title text) returns public.studies
language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_from public.studies%rowtype;
  v_copy public.studies%rowtype;
begin
  select * into v_from from public.studies where id = p_study_id and owner_id = auth.uid();
  if not found then
    raise exception 'no study % of yours to duplicate', p_study_id using errcode = 'PT404';
  end if;
  insert into public.studies (slug, owner_id, title, description, stimulus_set_id, config, status)
  values (p_slug, auth.uid(), p_title, v_from.description, v_from.stimulus_set_id, v_from.config, 'draft')
  returning * into v_copy;
  return v_copy;
end
$$;
revoke execute on function public.duplicate_study(uuid, text, text) from public, anon;
grant execute on function public.duplicate_study(uuid, text, text) to authenticated, service_role;
