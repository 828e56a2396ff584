/**
 * The rapid-categorization experiment (jsPsych). Participant pages import only this folder and
 * src/data: never src/inference (TensorFlow.js).
 */
export { recruitmentFromUrl, RecruitmentError, MTURK_PREVIEW_ASSIGNMENT, type Recruitment } from './recruitment.js';
