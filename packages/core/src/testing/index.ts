export { createMemorySocketPair } from './memorySocket.js';
export type { MemoryClient, MemorySocketOptions, MemorySocketPair } from './memorySocket.js';
export { createMemoryHub as createMemoryCluster, memoryHubDefaults } from '../memoryHub.js';
export type { MemoryHub, MemoryHubOptions, MemoryAdapterOptions } from '../memoryHub.js';
export { createManualClock } from './manualClock.js';
export type { ManualClock } from './manualClock.js';
