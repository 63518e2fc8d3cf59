export { collectInto } from './collectInto.js';
export type { AnyRegistry } from './collectInto.js';
export { collectIntoDefaults } from './collectIntoOptions.js';
export type {
  CollectIntoOptions,
  MetricsHolder,
  PromClientCollection,
} from './collectIntoOptions.js';
