/** Analysis maths shared by the dashboard, the command lines and the ClickMe aggregation. */
export { averageRanks, pearson, spearman } from './spearman.js';
