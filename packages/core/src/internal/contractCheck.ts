import type { ContractCheck, ContractIssue } from '../contractTypes.js';
import type { StandardSchemaV1 } from '../standardSchema.js';

const MAX_LISTED = 3;
const MAX_MESSAGE = 200;

function formatPath(path: StandardSchemaV1.Issue['path']): string {
  let out = 'data';
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  }
  return out;
}

/** `invalid data for thread "chat:1"`, or for a direct message. */
function heading(thread: string | undefined): string {
  return thread === undefined
    ? 'invalid data for a direct message'
    : `invalid data for thread ${JSON.stringify(thread)}`;
}

/** `text`, cut to `max` characters (an ellipsis in the last one). */
function cut(text: string, max = MAX_MESSAGE): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The answer of `check` when the contract has no schema for the message. */
export function unmatched(thread: string | undefined): ContractCheck {
  const message =
    thread === undefined
      ? 'the contract has no schema for direct messages'
      : `the contract has no schema for thread ${JSON.stringify(thread)}`;
  return { ok: false, reason: 'unmatched', message: cut(message), issues: [] };
}

/** The answer of `check` for one schema result. */
export function verdict(
  result: StandardSchemaV1.Result<unknown>,
  thread: string | undefined,
): ContractCheck {
  if (result.issues === undefined) return { ok: true, value: result.value };
  const issues: ContractIssue[] = result.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  const listed = issues.slice(0, MAX_LISTED).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > listed.length ? ` (+${issues.length - listed.length} more)` : '';
  const message = cut(`${heading(thread)}: ${listed.join('; ')}`, MAX_MESSAGE - more.length) + more;
  return { ok: false, reason: 'invalid', message, issues };
}
