// Participant pages run in the browser only: they sign in anonymously and keep state locally.
export const ssr = false;
