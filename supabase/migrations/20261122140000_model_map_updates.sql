-- A researcher re-running a model replaces the saliency maps they stored before (an upsert,
-- which PostgREST turns into ON CONFLICT DO UPDATE of every column sent), so they may update
-- their own maps; nobody updates maps another person created, and no map becomes "clickme".
grant update (set_id, image_id, source, png, width, height, n_observers, reliability, params) on public.importance_maps to authenticated;
create policy maps_update_own on public.importance_maps for update to authenticated
  using (created_by = auth.uid()) with check (created_by = auth.uid() and source <> 'clickme');
