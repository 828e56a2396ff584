-- Issue 16 (item 5): results computed elsewhere. A lab with models the browser cannot run
-- imports their decisions (the trials CSV) and saliency maps; they are stored as a model run
-- like any other, with backend 'imported' (config.imported = true says where from). Such a run
-- knows the model's answer but not its P(animal): p_animal may be null, still in [0, 1] when given.

alter table public.model_runs drop constraint model_runs_backend_check;
alter table public.model_runs add constraint model_runs_backend_check
  check (backend in ('webgpu', 'webgl', 'wasm', 'cpu', 'tensorflow', 'imported'));

alter table public.model_results alter column p_animal drop not null;
comment on column public.model_results.p_animal is 'the model''s animal score (src/stimuli/task.ts); null for results imported without scores';
