/** Log in, log out, who am I. */
import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { newRouter, requireAccount, type ApiContext } from '../http/context.js';
import { errorResponses, json, jsonBody, OkSchema } from '../http/schemas.js';
import { cookieValue, SESSION_COOKIE } from '../http/session.js';
import { UnauthenticatedError } from '../errors/index.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';
import { IDLE_MS } from './sessions.js';

const Login = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }).openapi('Login');

export const SessionInfo = z
  .object({
    account: z.object({ id: z.string(), username: z.string(), displayName: z.string(), boxAdmin: z.boolean() }),
    csrfToken: z.string(),
    expiresAt: z.number(),
    spaces: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        kind: z.string(),
        role: z.string().nullable(),
        canWrite: z.boolean(),
        canAdmin: z.boolean().openapi({ description: 'Administre l’espace (pour la base commune : ses paquets de contenu)' }),
      }),
    ),
  })
  .openapi('SessionInfo');

function clientAddress(c: ApiContext): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function sessionInfo(c: ApiContext, account: ReturnType<typeof requireAccount>, csrfToken: string, expiresAt: number) {
  const { spaces } = c.get('services');
  return {
    account: { id: account.id, username: account.username, displayName: account.displayName, boxAdmin: account.boxAdmin },
    csrfToken,
    expiresAt,
    spaces: spaces.visibleTo(account).map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      role: spaces.roleOf(account.id, s.id) ?? null,
      canWrite: spaces.can(account, s.id, 'write'),
      canAdmin: spaces.can(account, s.id, 'admin'),
    })),
  };
}

export function authRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/session',
      tags: ['session'],
      summary: 'Se connecter',
      request: { body: jsonBody(Login) },
      responses: { 200: json(SessionInfo), ...errorResponses, 429: errorResponses[400] },
    }),
    async (c) => {
      const { accounts, sessions, limiter, secureCookies } = c.get('services');
      const { username, password } = c.req.valid('json');
      const keys = [`user:${username.toLowerCase()}`, `addr:${clientAddress(c)}`];
      limiter.check(keys);
      const found = accounts.findForLogin(username);
      const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
      if (!found || !ok || found.account.disabled) {
        limiter.fail(keys);
        throw new UnauthenticatedError("Nom d'utilisateur ou mot de passe incorrect.");
      }
      limiter.succeed(keys);
      const { token, session } = sessions.create(found.account.id);
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secureCookies,
        path: '/',
        maxAge: Math.floor(IDLE_MS / 1000),
      });
      return c.json(sessionInfo(c, found.account, session.csrfToken, session.expiresAt), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/session',
      tags: ['session'],
      summary: 'Qui suis-je',
      responses: { 200: json(SessionInfo), 401: errorResponses[401] },
    }),
    (c) => {
      const account = requireAccount(c);
      const session = c.get('session')!;
      return c.json(sessionInfo(c, account, session.csrfToken, session.expiresAt), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/session',
      tags: ['session'],
      summary: 'Se déconnecter',
      responses: { 200: json(OkSchema), 401: errorResponses[401] },
    }),
    (c) => {
      requireAccount(c);
      // Read as the session middleware reads it: the same token it resolved is the one forgotten.
      const token = cookieValue(c.req.header('cookie'), SESSION_COOKIE);
      if (token) c.get('services').sessions.destroy(token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true as const }, 200);
    },
  );

  return r;
}
