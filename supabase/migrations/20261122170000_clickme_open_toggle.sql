-- Researchers open or close their own stimulus sets to ClickMe players from the dashboard
-- (clickme_set and clickme_record check clickme_open; demo sets are always open). Only that one
-- column may change, and only on a set the researcher owns.
grant update (clickme_open) on public.stimulus_sets to authenticated;
create policy stimulus_sets_update_own on public.stimulus_sets for update to authenticated
  using (owner_id = auth.uid() and public.is_researcher()) with check (owner_id = auth.uid());
