-- Core data model shared by the experiment, the ClickMe game, the model runs and the analysis.
--
-- Access model (every table has row-level security):
--   * Participants and players are anonymous Supabase users (role `authenticated`, claim
--     `is_anonymous: true`). They never write tables directly: they call the SECURITY DEFINER
--     functions of the participant API (next migration), which validate every field and accept
--     only rows of their own session. Through RLS they can read their own session and trials,
--     nothing of anyone else.
--   * Researchers sign in with email + password and have a row in `researchers`. They read and
--     write only their own studies and what hangs off them; analysts read through the views
--     and functions of the researcher API.
--   * Browser writes are idempotent: every row the browser creates carries a client-generated
--     uuid, and a repeated write of the same id is not a duplicate.

-- ---------------------------------------------------------------------------------------------
-- Researchers
-- ---------------------------------------------------------------------------------------------
create table public.researchers (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null,
  display_name text not null default '',
  created_at timestamptz not null default now()
);
comment on table public.researchers is 'Researcher profiles: signed-in users who own studies. Anonymous participants never have one.';

-- SECURITY DEFINER so that policies can ask without recursing through researchers' own RLS.
create function public.is_researcher() returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.researchers r where r.id = auth.uid())
$$;

-- ---------------------------------------------------------------------------------------------
-- Stimulus sets: the photos (images) and their masked versions (stimuli)
-- ---------------------------------------------------------------------------------------------
create table public.stimulus_sets (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null,
  description text not null default '',
  owner_id uuid references public.researchers (id) on delete set null,
  is_demo boolean not null default false,
  base_url text not null,                    -- where the built set's files are served, e.g. /stimuli/demo
  levels double precision[] not null default '{}', -- reveal proportions, ascending, in (0, 1]
  seed integer,
  manifest_sha256 text,
  created_at timestamptz not null default now()
);
comment on table public.stimulus_sets is 'A built stimulus set; its manifest (files, sha256) is the single source of truth for what people and models see.';

create table public.images (
  set_id uuid not null references public.stimulus_sets (id) on delete cascade,
  image_id text not null check (image_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
  category text not null check (category in ('animal', 'non_animal')),
  imagenet_classes integer[] not null default '{}' -- standard ImageNet-1k indices
    check (0 <= all (imagenet_classes) and 999 >= all (imagenet_classes)),
  file text not null,
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  author text not null default '',
  license text not null default '',
  source text not null default '',
  primary key (set_id, image_id)
);
comment on table public.images is 'Source photographs of a stimulus set, with their category and target ImageNet-1k classes.';

create table public.stimuli (
  id uuid primary key default gen_random_uuid(),
  set_id uuid not null,
  image_id text not null,
  level_index integer not null check (level_index >= 0),
  reveal double precision not null check (reveal > 0 and reveal <= 1), -- proportion of pixels revealed
  revealed_pixels integer not null check (revealed_pixels > 0),        -- k = round(reveal * H * W)
  shift_x integer not null default 0,                                  -- centering translation, px
  shift_y integer not null default 0,
  file text not null,
  mask_file text not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  foreign key (set_id, image_id) references public.images (set_id, image_id) on delete cascade,
  unique (set_id, image_id, level_index)
);
comment on table public.stimuli is 'One masked version of an image at one reveal level: what a participant or a model is shown.';

-- ---------------------------------------------------------------------------------------------
-- Studies, participants, sessions, trials
-- ---------------------------------------------------------------------------------------------
create table public.studies (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  owner_id uuid not null default auth.uid() references public.researchers (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  description text not null default '',
  stimulus_set_id uuid not null references public.stimulus_sets (id),
  config jsonb not null default '{}'::jsonb check (jsonb_typeof(config) = 'object'),
  status text not null default 'draft' check (status in ('draft', 'live', 'closed')),
  created_at timestamptz not null default now()
);
comment on table public.studies is 'A rapid-categorization study; `config` holds levels, blocks, keys, timings, texts and payment.';
comment on column public.studies.config is 'Study configuration (one place): see src/experiments config for the fields and defaults.';

create table public.participants (
  id uuid primary key default gen_random_uuid(),
  study_id uuid not null references public.studies (id) on delete cascade,
  platform text not null check (platform in ('mturk', 'prolific', 'local')),
  worker_id text check (worker_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  latin_row integer not null check (latin_row >= 0), -- j in "participant j sees image i at level (i + j) mod L"
  created_at timestamptz not null default now(),
  check ((platform = 'local') = (worker_id is null)),
  unique (study_id, platform, worker_id)
);
comment on table public.participants is 'One person in one study; a platform worker id can take part in a study only once.';

create table public.sessions (
  id uuid primary key,                          -- client-generated
  study_id uuid not null references public.studies (id) on delete cascade,
  participant_id uuid not null references public.participants (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade, -- the anonymous user who owns it
  platform text not null check (platform in ('mturk', 'prolific', 'local')),
  assignment_id text,                           -- MTurk assignmentId
  hit_id text,                                  -- MTurk hitId
  platform_study_id text,                       -- Prolific STUDY_ID
  platform_session_id text,                     -- Prolific SESSION_ID
  key_animal text not null,
  key_non_animal text not null,
  order_seed bigint not null,
  client_info jsonb not null default '{}'::jsonb,
  status text not null default 'started' check (status in ('started', 'completed')),
  completion_code text,
  trials_saved integer,                         -- trials confirmed when the session completed
  is_test boolean not null default false,       -- made by an automated run, never shown as human data
  started_at timestamptz not null default now(),
  completed_at timestamptz
);
comment on table public.sessions is 'One sitting of a participant in a study.';

create table public.trials (
  id uuid primary key,                          -- client-generated: a repeated write is not a duplicate
  session_id uuid not null references public.sessions (id) on delete cascade,
  trial_index integer not null check (trial_index >= 0),
  block text not null check (block in ('practice', 'main')),
  stimulus_id uuid not null references public.stimuli (id),
  response text check (response in ('animal', 'non_animal')), -- null: no answer in time
  response_key text,
  correct boolean not null,                     -- computed by the server from the stimulus' category
  rt_ms double precision check (rt_ms >= 0 and rt_ms < 60000), -- from measured stimulus onset
  fixation_ms double precision not null check (fixation_ms >= 0 and fixation_ms < 60000),
  onset_ms double precision,                    -- rAF timestamp of the first frame with the stimulus
  offset_ms double precision,                   -- rAF timestamp of the first frame without it
  duration_ms double precision check (duration_ms >= 0),
  frames integer check (frames >= 0),
  refresh_ms double precision check (refresh_ms > 0 and refresh_ms < 1000),
  data jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object'),
  created_at timestamptz not null default now(),
  unique (session_id, trial_index)
);
comment on table public.trials is 'One answer of a participant to one stimulus, with measured display timing.';

-- ---------------------------------------------------------------------------------------------
-- ClickMe: players, rounds, strokes; feature-importance maps
-- ---------------------------------------------------------------------------------------------
create table public.players (
  id uuid primary key references auth.users (id) on delete cascade,
  nickname text not null unique check (nickname ~ '^[A-Za-z0-9_ -]{2,24}$'),
  created_at timestamptz not null default now()
);

create table public.clickme_rounds (
  id uuid primary key,                          -- client-generated
  player_id uuid not null references auth.users (id) on delete cascade,
  set_id uuid not null,
  image_id text not null,
  mode text not null check (mode in ('game', 'annotation')),
  model_id text,
  brush_radius double precision not null check (brush_radius > 0 and brush_radius <= 128),
  time_limit_ms integer check (time_limit_ms > 0),
  device text not null default 'mouse' check (device in ('mouse', 'touch', 'pen')),
  outcome text check (outcome in ('recognized', 'timeout', 'skipped', 'annotated')),
  score integer check (score >= 0),
  revealed_fraction double precision check (revealed_fraction between 0 and 1),
  excluded_reason text,
  is_test boolean not null default false,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  foreign key (set_id, image_id) references public.images (set_id, image_id)
);

create table public.clickme_strokes (
  id uuid primary key,                          -- client-generated
  round_id uuid not null references public.clickme_rounds (id) on delete cascade,
  stroke_index integer not null check (stroke_index >= 0),
  radius double precision not null check (radius > 0 and radius <= 128),
  points jsonb not null check (jsonb_typeof(points) = 'array'), -- [[x_px, y_px, t_ms], ...]
  created_at timestamptz not null default now(),
  unique (round_id, stroke_index)
);

create table public.importance_maps (
  id uuid primary key default gen_random_uuid(),
  set_id uuid not null,
  image_id text not null,
  source text not null check (source in ('clickme', 'center-bias', 'uploaded') or source ~ '^model:[A-Za-z0-9_.-]+$'),
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  png bytea not null,                           -- grayscale PNG, brighter = more important
  n_observers integer check (n_observers >= 0),
  reliability double precision,                 -- split-half Spearman (clickme)
  params jsonb not null default '{}'::jsonb,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (set_id, image_id) references public.images (set_id, image_id) on delete cascade,
  unique (set_id, image_id, source)
);
comment on table public.importance_maps is 'Feature-importance maps, one per image and source (clickme, model:<id>, center-bias, uploaded).';

-- ---------------------------------------------------------------------------------------------
-- Models, model runs, per-stimulus results (a model is just another observer)
-- ---------------------------------------------------------------------------------------------
create table public.models (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9_.-]{1,63}$'),
  name text not null,
  family text not null,
  imagenet_top1 double precision check (imagenet_top1 between 0 and 1),
  source_url text not null default '',
  added_by uuid references public.researchers (id) on delete set null,
  created_at timestamptz not null default now()
);

create table public.model_runs (
  id uuid primary key,                          -- client-generated
  model_id text not null references public.models (id),
  stimulus_set_id uuid not null references public.stimulus_sets (id),
  study_id uuid references public.studies (id) on delete set null,
  started_by uuid not null default auth.uid() references public.researchers (id) on delete cascade,
  backend text not null check (backend in ('webgpu', 'webgl', 'wasm', 'cpu', 'tensorflow')),
  status text not null default 'running' check (status in ('running', 'done', 'cancelled', 'failed')),
  n_stimuli integer not null default 0 check (n_stimuli >= 0),
  config jsonb not null default '{}'::jsonb,
  is_test boolean not null default false,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);

create table public.model_results (
  id uuid primary key,                          -- client-generated
  run_id uuid not null references public.model_runs (id) on delete cascade,
  stimulus_id uuid not null references public.stimuli (id),
  response text not null check (response in ('animal', 'non_animal')), -- animal when p_animal > 0.5
  p_animal double precision not null check (p_animal between 0 and 1),
  top5 jsonb not null check (jsonb_typeof(top5) = 'array'),        -- [{class, p}], standard order
  correct boolean not null default false,       -- set by trigger from the stimulus' category
  created_at timestamptz not null default now(),
  unique (run_id, stimulus_id)
);

-- ---------------------------------------------------------------------------------------------
-- Ownership helpers (SECURITY DEFINER: policies call them without recursing through RLS)
-- ---------------------------------------------------------------------------------------------
create function public.owns_study(p_study_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.studies s where s.id = p_study_id and s.owner_id = auth.uid())
$$;

create function public.owns_session(p_session_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.sessions s where s.id = p_session_id and s.user_id = auth.uid())
$$;

create function public.study_of_session(p_session_id uuid) returns uuid
language sql stable security definer set search_path = '' as $$
  select s.study_id from public.sessions s where s.id = p_session_id
$$;

create function public.can_read_set(p_set_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.stimulus_sets ss
    where ss.id = p_set_id
      and (ss.is_demo
           or ss.owner_id = auth.uid()
           or exists (select 1 from public.studies st where st.stimulus_set_id = ss.id and st.status = 'live'))
  )
$$;

create function public.owns_model_run(p_run_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.model_runs r where r.id = p_run_id and r.started_by = auth.uid())
$$;

create function public.owns_round(p_round_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.clickme_rounds r where r.id = p_round_id and r.player_id = auth.uid())
$$;

revoke execute on function public.is_researcher(), public.owns_study(uuid), public.owns_session(uuid),
  public.study_of_session(uuid), public.can_read_set(uuid), public.owns_model_run(uuid),
  public.owns_round(uuid) from public, anon;
grant execute on function public.is_researcher(), public.owns_study(uuid), public.owns_session(uuid),
  public.study_of_session(uuid), public.can_read_set(uuid), public.owns_model_run(uuid),
  public.owns_round(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Row-level security and explicit grants. Nothing is granted to `anon` here; the anon key only
-- reaches the functions granted to it in the participant API.
-- ---------------------------------------------------------------------------------------------
alter table public.researchers enable row level security;
alter table public.stimulus_sets enable row level security;
alter table public.images enable row level security;
alter table public.stimuli enable row level security;
alter table public.studies enable row level security;
alter table public.participants enable row level security;
alter table public.sessions enable row level security;
alter table public.trials enable row level security;
alter table public.players enable row level security;
alter table public.clickme_rounds enable row level security;
alter table public.clickme_strokes enable row level security;
alter table public.importance_maps enable row level security;
alter table public.models enable row level security;
alter table public.model_runs enable row level security;
alter table public.model_results enable row level security;

revoke all on all tables in schema public from anon, authenticated;
revoke all on all sequences in schema public from anon, authenticated;
grant all on all tables in schema public to service_role;

-- researchers: each reads and edits only their own profile
grant select, update (display_name) on public.researchers to authenticated;
create policy researchers_read_own on public.researchers for select to authenticated
  using (id = auth.uid());
create policy researchers_update_own on public.researchers for update to authenticated
  using (id = auth.uid()) with check (id = auth.uid());

-- stimulus sets, images, stimuli: readable when demo, own, or used by a live study;
-- researchers add their own sets
grant select, insert on public.stimulus_sets, public.images, public.stimuli to authenticated;
create policy stimulus_sets_read on public.stimulus_sets for select to authenticated
  using (public.can_read_set(id));
create policy stimulus_sets_insert_own on public.stimulus_sets for insert to authenticated
  with check (public.is_researcher() and owner_id = auth.uid() and not is_demo);
create policy images_read on public.images for select to authenticated
  using (public.can_read_set(set_id));
create policy images_insert_own on public.images for insert to authenticated
  with check (exists (select 1 from public.stimulus_sets s where s.id = set_id and s.owner_id = auth.uid()));
create policy stimuli_read on public.stimuli for select to authenticated
  using (public.can_read_set(set_id));
create policy stimuli_insert_own on public.stimuli for insert to authenticated
  with check (exists (select 1 from public.stimulus_sets s where s.id = set_id and s.owner_id = auth.uid()));

-- studies: researchers see and edit only their own (participants use get_study())
grant select, insert, update (title, description, config, status) on public.studies to authenticated;
create policy studies_read_own on public.studies for select to authenticated
  using (owner_id = auth.uid());
create policy studies_insert_own on public.studies for insert to authenticated
  with check (public.is_researcher() and owner_id = auth.uid() and public.can_read_set(stimulus_set_id));
create policy studies_update_own on public.studies for update to authenticated
  using (owner_id = auth.uid()) with check (owner_id = auth.uid());

-- participants, sessions, trials: the study's owner reads all; a participant reads only their own
-- session and its trials. Writes go through the participant API only (no insert grant).
grant select on public.participants, public.sessions, public.trials to authenticated;
create policy participants_read_owner on public.participants for select to authenticated
  using (public.owns_study(study_id));
create policy sessions_read on public.sessions for select to authenticated
  using (user_id = auth.uid() or public.owns_study(study_id));
create policy trials_read on public.trials for select to authenticated
  using (public.owns_session(session_id) or public.owns_study(public.study_of_session(session_id)));

-- ClickMe: players read their own profile, rounds and strokes; researchers read all rounds of
-- sets they can read. Writes go through the ClickMe API functions.
grant select on public.players, public.clickme_rounds, public.clickme_strokes to authenticated;
create policy players_read_own on public.players for select to authenticated
  using (id = auth.uid());
create policy rounds_read on public.clickme_rounds for select to authenticated
  using (player_id = auth.uid() or (public.is_researcher() and public.can_read_set(set_id)));
create policy strokes_read on public.clickme_strokes for select to authenticated
  using (public.owns_round(round_id)
         or (public.is_researcher()
             and exists (select 1 from public.clickme_rounds r where r.id = round_id and public.can_read_set(r.set_id))));

-- importance maps: researchers read maps of sets they can read and write their own
grant select, insert on public.importance_maps to authenticated;
create policy maps_read on public.importance_maps for select to authenticated
  using (public.is_researcher() and public.can_read_set(set_id));
create policy maps_insert on public.importance_maps for insert to authenticated
  with check (public.is_researcher() and created_by = auth.uid() and public.can_read_set(set_id)
              and source <> 'clickme');

-- models and runs: researchers read the model list, add models, own their runs and results
grant select, insert on public.models, public.model_runs, public.model_results to authenticated;
grant update (status, n_stimuli, finished_at) on public.model_runs to authenticated;
create policy models_read on public.models for select to authenticated
  using (public.is_researcher());
create policy models_insert on public.models for insert to authenticated
  with check (public.is_researcher() and added_by = auth.uid());
create policy runs_read_own on public.model_runs for select to authenticated
  using (started_by = auth.uid());
create policy runs_insert_own on public.model_runs for insert to authenticated
  with check (public.is_researcher() and started_by = auth.uid() and public.can_read_set(stimulus_set_id));
create policy runs_update_own on public.model_runs for update to authenticated
  using (started_by = auth.uid()) with check (started_by = auth.uid());
create policy results_read_own on public.model_results for select to authenticated
  using (public.owns_model_run(run_id));
create policy results_insert_own on public.model_results for insert to authenticated
  with check (public.owns_model_run(run_id));

-- The server, not the client, decides whether a model's answer is correct.
create function public.model_results_set_correct() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  new.correct := new.response = (
    select i.category from public.stimuli s
    join public.images i on i.set_id = s.set_id and i.image_id = s.image_id
    where s.id = new.stimulus_id);
  new.correct := coalesce(new.correct, false);
  return new;
end
$$;
revoke execute on function public.model_results_set_correct() from public, anon, authenticated;
create trigger model_results_set_correct before insert on public.model_results
  for each row execute function public.model_results_set_correct();

create index on public.sessions (study_id);
create index on public.sessions (user_id);
create index on public.trials (session_id);
create index on public.clickme_rounds (set_id, image_id);
create index on public.clickme_strokes (round_id);
create index on public.model_results (run_id);
