-- Issue 15, item 11: ClickMe annotation mode.
--   * An image with no strokes is not annotated: a round ends "annotated" only when it holds at
--     least one stroke. A trigger on clickme_rounds enforces it for every writer; through
--     clickme_record the end item is rejected with the trigger's sentence as its reason, and the
--     round stays open (the annotator can still paint it, or skip it).
--   * clickme_annotation_progress: the caller's annotations of a set so far, so the annotation
--     page resumes at the next image they have not annotated (src/clickgame/annotation.ts orders
--     the images from it).

create function public.clickme_annotated_has_strokes() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.mode = 'annotation' and new.outcome = 'annotated'
     and not exists (select 1 from public.clickme_strokes s where s.round_id = new.id) then
    raise exception 'an annotation needs at least one stroke to end annotated: paint the object, or skip the image'
      using errcode = '23514';
  end if;
  return new;
end
$$;
revoke execute on function public.clickme_annotated_has_strokes() from public;

create trigger clickme_annotated_has_strokes before insert or update of outcome on public.clickme_rounds
  for each row execute function public.clickme_annotated_has_strokes();

-- The caller's annotations of a set: {"annotated": [image ids ended annotated, with strokes],
-- "skipped": [image ids ended skipped and never annotated]}, each sorted.
create function public.clickme_annotation_progress(p_set_id uuid) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
begin
  if auth.uid() is null then
    raise exception 'sign in before annotating' using errcode = '42501';
  end if;
  return jsonb_build_object(
    'annotated', coalesce((select jsonb_agg(distinct r.image_id order by r.image_id) from public.clickme_rounds r
                            where r.player_id = auth.uid() and r.set_id = p_set_id and r.mode = 'annotation' and r.outcome = 'annotated'
                              and exists (select 1 from public.clickme_strokes s where s.round_id = r.id)), '[]'::jsonb),
    'skipped', coalesce((select jsonb_agg(distinct r.image_id order by r.image_id) from public.clickme_rounds r
                          where r.player_id = auth.uid() and r.set_id = p_set_id and r.mode = 'annotation' and r.outcome = 'skipped'
                            and not exists (select 1 from public.clickme_rounds a
                                             where a.player_id = r.player_id and a.set_id = r.set_id and a.image_id = r.image_id
                                               and a.mode = 'annotation' and a.outcome = 'annotated'
                                               and exists (select 1 from public.clickme_strokes s where s.round_id = a.id))), '[]'::jsonb));
end
$$;
revoke execute on function public.clickme_annotation_progress(uuid) from public;
grant execute on function public.clickme_annotation_progress(uuid) to authenticated, service_role;
