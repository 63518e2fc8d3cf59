import type { ClusterAdapter } from './cluster.js';
import type { MemoryAdapterOptions, MemoryHubOptions } from './memoryHub.js';
import { createMemoryHub } from './memoryHub.js';
import type { OptionKeys } from './optionKeys.js';
import { checkOptionKeys } from './optionKeys.js';

/** Options of {@link localCluster}: the history and session bounds, and the advertised URL. */
export interface LocalClusterOptions extends MemoryHubOptions, MemoryAdapterOptions {}

const localClusterOptionKeys = {
  historySize: true,
  historyTtlMs: true,
  maxHistoryThreads: true,
  keepHistory: true,
  maxSessions: true,
  publicUrl: true,
} as const satisfies OptionKeys<LocalClusterOptions>;

/**
 * The default cluster adapter: one instance, with bounded in-memory history (offsets
 * `<epoch>-<sequence>`, the epoch being the start time, so offsets keep increasing across a
 * restart) and bounded in-memory sessions.
 */
export function localCluster(options: LocalClusterOptions = {}): ClusterAdapter {
  checkOptionKeys<LocalClusterOptions>(options, localClusterOptionKeys, 'localCluster options');
  const { publicUrl, ...hubOptions } = options;
  const adapter = createMemoryHub(hubOptions).adapter(publicUrl === undefined ? {} : { publicUrl });
  return { ...adapter, name: 'local' };
}
