/**
 * Test harness: a real HTTP server on 127.0.0.1 (port 0) with a real core manager attached, real
 * `ws` clients, and a raw TCP client that writes hand-built (masked) client frames. One import
 * for the tests; each part lives in its own file.
 */
export { expectPrototypeClean, prototypeSnapshot } from './prototype.js';
export { rawRequest, upgradeHeaders } from './rawHttp.js';
export type { RawResponse } from './rawHttp.js';
export { buildFrame, rawWsClient } from './rawWsClient.js';
export type { RawWsClient } from './rawWsClient.js';
export { connectClient, connectWelcomed, expectAlive } from './testClient.js';
export type { TestClient } from './testClient.js';
export { startServer, testAuthenticate } from './testServer.js';
export type { TestServer } from './testServer.js';
