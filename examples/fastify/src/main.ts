/**
 * `pnpm --filter example-fastify start`: the example on PORT (default 3000). Two example users
 * sign in with the tokens `alice-token` and `bob-token`; the dashboard's token is ADMIN_TOKEN
 * and the HTTP API's key API_KEY (each generated and printed when unset). SIGINT / SIGTERM drain, then exit.
 */
import { randomBytes } from 'node:crypto';
import { startServer } from './server.js';

const adminToken = process.env['ADMIN_TOKEN'] ?? randomBytes(18).toString('base64url');
const givenKey = process.env['API_KEY'];
const apiKey = givenKey ?? randomBytes(18).toString('base64url');
const server = await startServer({
  port: Number(process.env['PORT'] ?? 3000),
  host: process.env['HOST'] ?? '127.0.0.1',
  adminToken,
  apiKey,
  users: new Map([
    ['alice-token', 'alice'],
    ['bob-token', 'bob'],
  ]),
});
console.log(`listening on ${server.url}`);
console.log(`  own route  ${server.url}/hello`);
console.log(`  websocket  ${server.url.replace('http', 'ws')}/ws?token=alice-token`);
console.log(`  dashboard  ${server.url}/dashboard?token=${adminToken}`);
// A key from the environment is never printed; a generated one is, once, so it can be used.
console.log(
  `  http api   ${server.url}/api/stats  (Authorization: Bearer ${givenKey === undefined ? apiKey : '$API_KEY'})`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
