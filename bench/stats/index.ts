export { sortedCopy, quantileSorted, selectInPlace, selectMedianInPlace, median, mean, mad } from './descriptive.js';
export { medianConfidenceInterval, medianCiRank, type MedianInterval } from './median-ci.js';
export { classifyOutliers, type OutlierClassification, type TukeyFences } from './outliers.js';
export { summarize } from './summarize.js';
export { bootstrapSpeedup, type BootstrapOptions } from './bootstrap.js';
export { mannWhitneyU, exactUSf, normalSf, type Alternative, type MannWhitneyOptions, type MannWhitneyResult } from './mann-whitney.js';
export { roundsInterval, ratioOfRounds, type RoundsInterval } from './rounds.js';
export { studentTCdf, studentTQuantile } from './student-t.js';
