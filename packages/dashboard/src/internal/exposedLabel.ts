const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Whether a label of a registry sample is written to the Prometheus text: a valid label name,
 * and not `le` (reserved for histogram buckets). `/metrics` and `@ws/dashboard/prom-client` use
 * the same rule, so both expose the same series.
 */
export function isExposedLabel(name: string): boolean {
  return name !== 'le' && labelNamePattern.test(name);
}
