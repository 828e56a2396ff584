/**
 * The rapid-categorization experiment (jsPsych). Participant pages import only this folder,
 * src/stimuli and src/data: never src/inference (TensorFlow.js).
 */
export { recruitmentFromUrl, RecruitmentError, MTURK_PREVIEW_ASSIGNMENT, type Recruitment } from './recruitment.js';
export { DEFAULT_STUDY_CONFIG, participantStudyConfig, StudyConfigError, STUDY_FIELD_LABELS, MTURK_MODES, type MturkMode, type StudyField, type StudyProblem, type StudyConfig, type KeyMapping } from './config.js';
export {
	resolveStudyConfig, studyConfigProblems, studyDesignProblems, studyConfigWarnings, studySlugProblem, studyTitleProblem, suggestSlug, mainImageCount, type StudySetSize
} from './study-rules.js';
// study-text.ts (renderStudyText, studyPageTexts) is imported by path: it brings the Markdown renderer, which the participant page must not load
export { planSession, practiceImageIds, shuffled, type PlannedTrial } from './design.js';
export { TrialQueue, MemoryStorage, SafeStorage, browserStorage, storageNote, type QueueStatus, type QueueStorage, type RejectedTrial, type StorageFault } from './trial-queue.js';
export { studyLinks, insecureOriginWarning, MTURK_SITES, type StudyLinks } from './links.js';
export { completionTarget, fallbackCompletionCode, possibleFallbackCodes, screenOut, type CompletionTarget, type ScreenOut } from './completion.js';
