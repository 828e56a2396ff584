-- Issue 17 (items 12-14): the models page's run history.
--   * a run's status is a closed list, now an enum: running, done, cancelled, failed;
--   * a failed run says why (error, a sentence, at most 2000 characters; only failed runs have one);
--   * its owner may delete a failed run (never a running, done or cancelled one: those are data
--     the analysis reads); its results go with it (model_results cascade), and so do the saliency
--     maps it stored (importance_maps whose params.run_id is the run), by a trigger;
--   * which backend ran and why (a measured probe, or by hand) is stored in config.backend_choice,
--     written by the client with the run (src/inference/backends.ts BackendChoice): no column.

create type public.model_run_status as enum ('running', 'done', 'cancelled', 'failed');
comment on type public.model_run_status is
  'running: started, not yet finished; done: every stimulus answered; cancelled: stopped by its researcher, what ran is kept; failed: stopped by an error (model_runs.error says which)';

alter table public.model_runs drop constraint model_runs_status_check;
alter table public.model_runs alter column status drop default;
alter table public.model_runs alter column status type public.model_run_status using status::public.model_run_status;
alter table public.model_runs alter column status set default 'running';

alter table public.model_runs
  add column error text constraint model_runs_error_length check (char_length(error) between 1 and 2000),
  add constraint model_runs_error_only_failed check (error is null or status = 'failed');
comment on column public.model_runs.error is 'why a failed run failed, as the page showed it; null for every other status';
grant update (error) on public.model_runs to authenticated;

grant delete on public.model_runs to authenticated;
create policy runs_delete_own_failed on public.model_runs for delete to authenticated
  using (started_by = auth.uid() and status = 'failed');

create function public.model_run_delete_maps() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.importance_maps m
   where m.params ->> 'run_id' = old.id::text and m.created_by = old.started_by and m.source like 'model:%';
  return old;
end
$$;
comment on function public.model_run_delete_maps() is 'a deleted (failed) model run takes the saliency maps it stored with it';
revoke execute on function public.model_run_delete_maps() from public, anon, authenticated;
create trigger model_runs_delete_maps after delete on public.model_runs
  for each row execute function public.model_run_delete_maps();
