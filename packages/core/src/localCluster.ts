import type { ClusterAdapter } from './cluster.js';
import type { MemoryAdapterOptions, MemoryHubOptions } from './memoryHub.js';
import { createMemoryHub } from './memoryHub.js';

/** Options of {@link localCluster}: the history and session bounds, and the advertised URL. */
export interface LocalClusterOptions extends MemoryHubOptions, MemoryAdapterOptions {}

/**
 * The default cluster adapter: one instance, with bounded in-memory history (offsets
 * `<epoch>-<sequence>`, the epoch being the start time, so offsets keep increasing across a
 * restart) and bounded in-memory sessions.
 */
export function localCluster(options: LocalClusterOptions = {}): ClusterAdapter {
  const adapter = createMemoryHub(options).adapter(
    options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl },
  );
  return { ...adapter, name: 'local' };
}
