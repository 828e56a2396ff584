/**
 * Annotation mode (/clickme/annotate): the brush sizes an annotator chooses from, and the order in
 * which the images of a set come, resumed from what the server holds (clickme_annotation_progress
 * in supabase/migrations/20261130500000_clickme_annotation.sql).
 */

/** Brush radii, px at 256 px (scaled with the image like CLICKME_DEFAULTS.brushRadius, which is "medium"). */
export const ANNOTATION_BRUSHES = [
	{ label: 'small', radiusAt256: 5 },
	{ label: 'medium', radiusAt256: 11 },
	{ label: 'large', radiusAt256: 22 }
] as const;

/** The brush an annotation starts with: the game's. */
export const DEFAULT_ANNOTATION_BRUSH = 1;

/** The caller's annotations of a set so far: images annotated (with at least one stroke), and images only skipped. */
export interface AnnotationProgress {
	annotated: string[];
	skipped: string[];
}

/**
 * The images still to annotate, in the set's order: first those the annotator has neither
 * annotated nor skipped (so a reload resumes where they left off), then those they skipped.
 */
export function annotationOrder(imageIds: readonly string[], progress: AnnotationProgress): string[] {
	const annotated = new Set(progress.annotated);
	const skipped = new Set(progress.skipped);
	const open = imageIds.filter((id) => !annotated.has(id) && !skipped.has(id));
	return [...open, ...imageIds.filter((id) => skipped.has(id) && !annotated.has(id))];
}
