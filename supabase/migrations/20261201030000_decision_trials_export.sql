-- Issue 17 (items 5 and 11): the analyst view of answers carries what the trials CSV exports
-- beside the model-vs-human columns, and a key for fetching only what is new.
--   trial_id      the stored row's id (trials.id / model_results.id): the key an incremental
--                 refresh merges by (src/lib/results/loader.svelte.ts), so a row fetched twice
--                 is held once
--   trial_index   the trial's position in the participant's list (null for models)
--   block_number  0 for practice, 1..blocks for the main blocks (trials.data, src/data/trial-fields.ts)
--   platform      the session's recruiting platform (mturk, prolific, local; null for models)
--   platform_id   the participant's id on that platform (MTurk worker id / Prolific PID; null for local and models)
-- `create or replace view` keeps every earlier column, in order, and appends these; grants and
-- security_invoker stay (the caller's row-level security decides, as before).
-- The refresh asks for rows stored since its last fetch (created_at >= cursor), so both tables
-- get an index on created_at.
create or replace view public.decision_trials with (security_invoker = on) as
  select st.id as study_id,
         st.stimulus_set_id as set_id,
         'human'::text as observer_kind,
         p.id::text as observer_id,
         s.image_id,
         i.category,
         s.reveal,
         t.response,
         t.correct,
         t.rt_ms,
         t.block,
         se.is_test,
         t.created_at,
         t.session_id,
         t.duration_ms,
         t.frames,
         t.refresh_ms,
         t.id as trial_id,
         t.trial_index,
         (t.data ->> 'block_number')::integer as block_number,
         se.platform,
         p.worker_id as platform_id
    from public.trials t
    join public.sessions se on se.id = t.session_id
    join public.participants p on p.id = se.participant_id
    join public.studies st on st.id = se.study_id
    join public.stimuli s on s.id = t.stimulus_id
    join public.images i on i.set_id = s.set_id and i.image_id = s.image_id
  union all
  select r.study_id,
         r.stimulus_set_id as set_id,
         'model'::text as observer_kind,
         r.model_id as observer_id,
         s.image_id,
         i.category,
         s.reveal,
         mr.response,
         mr.correct,
         null::double precision as rt_ms,
         'main'::text as block,
         r.is_test,
         mr.created_at,
         null::uuid as session_id,
         null::double precision as duration_ms,
         null::integer as frames,
         null::double precision as refresh_ms,
         mr.id as trial_id,
         null::integer as trial_index,
         null::integer as block_number,
         null::text as platform,
         null::text as platform_id
    from public.model_results mr
    join public.model_runs r on r.id = mr.run_id
    join public.stimuli s on s.id = mr.stimulus_id
    join public.images i on i.set_id = s.set_id and i.image_id = s.image_id;
comment on view public.decision_trials is
  'Answers of people and models in one shape (a model is just another observer): the observer as kind and id, response null for no answer, correct as stored; the row''s id, trial index, block number and platform ids for the export.';

create index if not exists trials_created_at_idx on public.trials (created_at);
create index if not exists model_results_created_at_idx on public.model_results (created_at);
