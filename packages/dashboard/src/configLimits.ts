/** Bounds the validator enforces. */
export const configLimits = Object.freeze({
  maxDashboards: 100,
  maxWidgetsPerDashboard: 100,
  maxTitleLength: 200,
  maxLabelFilters: 20,
  maxQuantiles: 10,
  maxMultiSeries: 10,
  minWindowMs: 1000,
  maxWindowMs: 86_400_000,
  maxConnectionsRows: 1000,
});
