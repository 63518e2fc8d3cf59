import type { StandardSchemaV1 } from '@ws/core';

function formatPath(prefix: string, path: StandardSchemaV1.Issue['path']): string {
  let out = prefix;
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** How {@link formatIssues} writes one line. */
export interface IssueFormat {
  /** What failed, before the issues (`invalid publish frame`). */
  readonly heading: string;
  /** The path of the validated value from the frame's root (`data`, or '' for the frame). */
  readonly pathPrefix: string;
  readonly maxIssues: number;
  readonly maxLength: number;
}

/**
 * One line for an `error` frame: the first `maxIssues` issues as `path: message`, paths from the
 * frame's root (`data.items[0].name`), then `(+N more)`, cut to `maxLength` characters.
 */
export function formatIssues(
  issues: readonly StandardSchemaV1.Issue[],
  format: IssueFormat,
): string {
  const { heading, pathPrefix, maxIssues, maxLength } = format;
  const parts: string[] = [];
  for (const issue of issues.slice(0, Math.max(1, maxIssues))) {
    const path = formatPath(pathPrefix, issue.path);
    parts.push(path === '' ? issue.message : `${path}: ${issue.message}`);
  }
  let text = `${heading}: ${parts.join('; ')}`;
  if (issues.length > parts.length) text += ` (+${issues.length - parts.length} more)`;
  return text.length > maxLength ? `${text.slice(0, Math.max(0, maxLength - 1))}…` : text;
}
