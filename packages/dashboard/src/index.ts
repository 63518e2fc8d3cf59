export { createDashboard, dashboard } from './dashboard.js';
export type { Dashboard, UpdateOptions } from './dashboard.js';
export { dashboardHandler } from './handler.js';
export type { DashboardHandler } from './handler.js';
export { dashboardHandlerDefaults } from './handlerOptions.js';
export type { DashboardHandlerOptions } from './handlerOptions.js';
export { dashboardDefaults } from './options.js';
export type { DashboardOptions } from './options.js';
export { configVersion, widgetKinds, widgetUnits } from './config.js';
export type {
  ConfigChange,
  ConfigIssue,
  ConnectionsSource,
  DashboardConfig,
  DashboardConfigPatch,
  DashboardDefinition,
  DataSource,
  InstancesSource,
  LabelFilter,
  MetricSource,
  MultiSource,
  QuantileSource,
  RateSource,
  SumBySource,
  ValueSource,
  WidgetDefinition,
  WidgetKind,
  WidgetUnit,
} from './config.js';
export { defaultDashboardConfig } from './defaultConfig.js';
export { configLimits } from './configLimits.js';
export { checkConfig, configError, validateConfig } from './validateConfig.js';
export type { ConfigError } from './validateConfig.js';
export { escapeLabelValue, prometheusContentType, renderPrometheus } from './prometheus.js';
export type {
  DashboardData,
  KeyedValue,
  TableCell,
  TimeSeries,
  WidgetData,
  WidgetValues,
} from './widgetData.js';
