import type { IncomingMessage, ServerResponse } from 'node:http';
import { connectionId } from '@ws/core';
import { requestHeader } from '../internal/credentials.js';
import type { CorsDecision } from './cors.js';
import type { HttpEndpoint } from './httpEndpoint.js';
import type { JsonAnswer } from './postAnswer.js';
import { answerReceive, credentialDigest, jsonError, parseFrames, parseSeq } from './postAnswer.js';
import { readPostBody } from './readPostBody.js';
import { writeJson } from './writeJson.js';

/** The checks before the body is read: origin (403), in-flight limit (429), secret (401), seq (400). */
function checkPost(
  e: HttpEndpoint,
  req: IncomingMessage,
  from: { readonly cors: CorsDecision; readonly ip: string },
): JsonAnswer | { readonly secret: string; readonly seq: number } {
  const { cors, ip } = from;
  if (!cors.allowed) return jsonError(403, { code: 'forbidden', message: 'origin not allowed' });
  const limit = e.config.maxPostsInFlightPerIp;
  if (limit > 0 && e.posts.get(ip) >= limit) {
    return jsonError(
      429,
      { code: 'rate_limited', message: 'too many POSTs in flight from this address' },
      { headers: { 'Retry-After': e.config.retryAfter } },
    );
  }
  const secret = requestHeader(req, 'x-wsm-secret');
  if (secret === undefined || secret === '')
    return jsonError(401, { code: 'unauthorized', message: 'wrong or missing secret' });
  const seq = parseSeq(requestHeader(req, 'x-wsm-seq'));
  if (seq === undefined) {
    return jsonError(400, {
      code: 'bad_request',
      message: 'X-Wsm-Seq must be a positive integer',
    });
  }
  return { secret, seq };
}

async function receive(
  e: HttpEndpoint,
  req: IncomingMessage,
  request: { readonly id: string; readonly secret: string; readonly seq: number },
): Promise<JsonAnswer> {
  const body = await readPostBody(req, e.config.maxBodyBytes);
  if (typeof body !== 'string') return body;
  const frames = parseFrames(body, e.config.maxFramesPerPost);
  if (!Array.isArray(frames)) return frames;
  const result = await e.manager.receive(connectionId(request.id), {
    frames,
    credential: credentialDigest(request.secret),
    seq: request.seq,
  });
  if (result.outcome === 'ok') e.metrics.frames(frames.length);
  return answerReceive(result, request.seq);
}

/**
 * `POST <path>/sse/<connectionId>`: the checks of {@link checkPost}, the body (415, 413, 400),
 * then `manager.receive` on whichever instance owns the connection, answered as
 * `answerReceive` says. A failure of the manager answers 500 `internal` and is reported; the
 * secret is never logged.
 */
export async function postFrames(
  e: HttpEndpoint,
  req: IncomingMessage,
  exchange: { readonly res: ServerResponse; readonly cors: CorsDecision; readonly id: string },
): Promise<number> {
  const { res, cors, id } = exchange;
  const ip = e.config.clientIp(req);
  const checked = checkPost(e, req, { cors, ip });
  let answer: JsonAnswer;
  if ('status' in checked) {
    answer = checked;
  } else {
    e.posts.inc(ip);
    try {
      answer = await receive(e, req, { id, ...checked });
    } catch (err) {
      e.config.reportError(err, 'http-post');
      answer = jsonError(500, { code: 'internal', message: 'the frames could not be received' });
    } finally {
      e.posts.dec(ip);
    }
  }
  // An answer before the body was read: the rest of the request is not read either.
  if (answer.status !== 200 && !req.readableEnded) res.shouldKeepAlive = false;
  writeJson(res, answer, cors.headers);
  return answer.status;
}
