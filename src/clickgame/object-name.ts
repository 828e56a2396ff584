/**
 * A photo's object in plain words, for players and annotators. ImageNet class names list synonyms
 * after commas ("tabby, tabby cat"); the plain name of a class is the first of them. A photo's
 * name is the plain names of its classes (its `imagenet_classes`), repeats left out, at most
 * three and then "or N more", joined with "or": "tabby, tiger cat or Egyptian cat". A photo
 * without classes is named by its category, underscores read as spaces ("non animal").
 */
import { IMAGENET_CLASSES } from '../inference/classes.js';
import type { ImageRecord } from '../stimuli/manifest.js';

/** The first synonym of an ImageNet class name: "tabby, tabby cat" -> "tabby". */
export const plainClassName = (name: string): string => name.split(',')[0]!.trim();

/** How many class names a photo's name lists before "or N more". */
export const NAMES_SHOWN = 3;

export function objectName(image: Pick<ImageRecord, 'category' | 'imagenet_classes'>, classNames: readonly string[] = IMAGENET_CLASSES): string {
	const names = [...new Set(image.imagenet_classes.map((c) => classNames[c]).filter((n): n is string => n !== undefined).map(plainClassName))];
	if (names.length === 0) return image.category.replaceAll('_', ' ');
	if (names.length === 1) return names[0]!;
	if (names.length > NAMES_SHOWN) return `${names.slice(0, NAMES_SHOWN).join(', ')} or ${names.length - NAMES_SHOWN} more`;
	return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
