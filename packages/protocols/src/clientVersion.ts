/** Defaults of {@link clientVersionBucket}: the major versions counted by name. */
export const clientVersionDefaults = { knownMajors: ['1', '2'] } as const;

/**
 * Buckets a client-reported version (`?v=` or the `x-client-version` header) into a bounded metric
 * label: `<major>.x` for a known major version (`1.4.2`, `v1`, `1` -> `1.x`), else `other`
 * (absent, malformed or unknown values alike), so a client can never grow the label set.
 */
export function clientVersionBucket(
  version: string | undefined,
  knownMajors: readonly string[] = clientVersionDefaults.knownMajors,
): string {
  if (version === undefined || version.length > 64) return 'other';
  const match = /^v?(\d{1,6})(?:[.\-+].*)?$/i.exec(version.trim());
  const major = match?.[1];
  if (major === undefined) return 'other';
  const normalized = String(Number(major));
  return knownMajors.includes(normalized) ? `${normalized}.x` : 'other';
}
