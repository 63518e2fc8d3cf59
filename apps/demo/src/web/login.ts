/** Signs in at `/api/login` (any name is accepted: a development login); resolves the token. */
export async function login(user: string): Promise<string> {
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string; error?: string };
  if (!res.ok || typeof body.token !== 'string') {
    throw new Error(body.error ?? `login failed (HTTP ${res.status})`);
  }
  return body.token;
}
