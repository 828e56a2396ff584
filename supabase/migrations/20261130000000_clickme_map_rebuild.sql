-- Issue 15 (item 5): a rebuild of a set's ClickMe maps replaces the previous build. Storing
-- upserts one map per image; an image that had a map before and has none now (fewer players
-- than the new minimum, its players excluded) kept its stale map. clickme_drop_stale_maps
-- deletes the set's clickme maps of every image the new build did not map; the build stores
-- its own maps first (each map's params carry the build's time), then calls this.

create function public.clickme_drop_stale_maps(p_set_id uuid, p_keep text[]) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_dropped integer;
begin
  if not public.manages_set(p_set_id) then
    raise exception 'only the owner of the set (any researcher for a demo set) replaces its ClickMe maps' using errcode = '42501';
  end if;
  delete from public.importance_maps m
   where m.set_id = p_set_id and m.source = 'clickme' and not (m.image_id = any (coalesce(p_keep, '{}')));
  get diagnostics v_dropped = row_count;
  return v_dropped;
end
$$;
revoke execute on function public.clickme_drop_stale_maps(uuid, text[]) from public, anon;
grant execute on function public.clickme_drop_stale_maps(uuid, text[]) to authenticated, service_role;
