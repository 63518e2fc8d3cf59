import type { StandardSchemaV1 } from '../standardSchema.js';

function formatPath(prefix: string, path: StandardSchemaV1.Issue['path']): string {
  let out = prefix;
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * One line for an `error` frame: the first `maxIssues` issues as `path: message`, paths from the
 * frame's root (`data.items[0].name`), then `(+N more)`, cut to `maxLength` characters.
 */
export function formatIssues(
  heading: string,
  pathPrefix: string,
  issues: readonly StandardSchemaV1.Issue[],
  maxIssues: number,
  maxLength: number,
): string {
  const parts: string[] = [];
  for (const issue of issues.slice(0, Math.max(1, maxIssues))) {
    const path = formatPath(pathPrefix, issue.path);
    parts.push(path === '' ? issue.message : `${path}: ${issue.message}`);
  }
  let text = `${heading}: ${parts.join('; ')}`;
  if (issues.length > parts.length) text += ` (+${issues.length - parts.length} more)`;
  return text.length > maxLength ? `${text.slice(0, Math.max(0, maxLength - 1))}…` : text;
}
