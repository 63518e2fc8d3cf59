import type { Exchange } from './routeContext.js';
import { sendError } from './sendJson.js';

/** True for a `GET`; otherwise answers 405 (`Allow: GET`) and returns false. */
export function onlyGet(ex: Exchange): boolean {
  if (ex.method === 'GET') return true;
  sendError(ex.res, {
    status: 405,
    code: 'bad_request',
    message: 'GET only',
    headers: { allow: 'GET' },
  });
  return false;
}
