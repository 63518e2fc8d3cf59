/** The manager limits of the benchmark servers: benchmark sizes, not production defaults. */
export const benchLimits = Object.freeze({
  maxConnections: 50_000,
  maxConnectionsPerUser: 50_000,
  inboundRate: Object.freeze({ perSecond: 1_000_000_000, burst: 1_000_000_000 }),
});
