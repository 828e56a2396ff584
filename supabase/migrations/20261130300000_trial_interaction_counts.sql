-- Issue 15, item 9: jsPsych's interaction data per trial. Two columns of public.trials count the
-- window's blurs and the page's fullscreen exits during each trial (src/experiments/interaction.ts
-- counts them from jsPsych's interaction data; src/data/trial-fields.ts lists them, from
-- 'interaction'). They are nullable: trials stored before the counting began have null, not a
-- made-up 0. public.trial_fields() derives the accepted fields from the columns, so record_trials
-- takes them without change; their bounds are named constraints with their sentence, as in
-- migration trial_fields.

alter table public.trials
  add column window_blurs integer,
  add column fullscreen_exits integer,
  add constraint trials_window_blurs_range check (window_blurs between 0 and 10000),
  add constraint trials_fullscreen_exits_range check (fullscreen_exits between 0 and 10000);

comment on column public.trials.window_blurs is 'Times the window lost focus during the trial (jsPsych interaction data: blur); null before it was counted.';
comment on column public.trials.fullscreen_exits is 'Times the page left full screen during the trial (jsPsych interaction data: fullscreenexit); null before it was counted.';
comment on constraint trials_window_blurs_range on public.trials is 'window_blurs must be from 0 to 10000, or null';
comment on constraint trials_fullscreen_exits_range on public.trials is 'fullscreen_exits must be from 0 to 10000, or null';
