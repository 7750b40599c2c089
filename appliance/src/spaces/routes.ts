/** Spaces, accounts and roles: the box admin's and association admins' pages. */
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, requireAccount, type ApiContext } from '../http/context.js';
import { errorResponses, idSchema, json, jsonBody, OkSchema, SpaceParams, spaceIdSchema } from '../http/schemas.js';
import { displayNameSchema, passwordSchema, usernameSchema } from '../setup/setup.js';
import { ForbiddenError, NotFoundError } from '../errors/index.js';
import type { Account } from '../auth/accounts.js';

const SpaceSchema = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(['commons', 'association']), quotaBytes: z.number(), role: z.string().nullable(), canWrite: z.boolean() })
  .openapi('Space');
const NewSpace = z
  .object({
    id: spaceIdSchema,
    name: z.string().trim().min(1).max(100),
    quotaBytes: z.number().int().min(0).max(2 ** 50).optional(),
  })
  .openapi('NewSpace');
const SpacePatch = z.object({ name: z.string().trim().min(1).max(100).optional(), quotaBytes: z.number().int().min(0).max(2 ** 50).optional() });
const AccountSchema = z
  .object({ id: z.string(), username: z.string(), displayName: z.string(), boxAdmin: z.boolean(), disabled: z.boolean() })
  .openapi('Account');
const NewAccount = z
  .object({
    username: usernameSchema,
    displayName: displayNameSchema,
    password: passwordSchema,
    boxAdmin: z.boolean().optional(),
    roles: z.array(z.object({ space: spaceIdSchema, role: z.enum(['admin', 'member', 'guest']) })).max(100).optional(),
  })
  .openapi('NewAccount');
const AccountPatch = z.object({
  displayName: displayNameSchema.optional(),
  password: passwordSchema.optional(),
  disabled: z.boolean().optional(),
  boxAdmin: z.boolean().optional(),
});
const RoleSchema = z.object({ accountId: z.string(), displayName: z.string(), username: z.string(), role: z.enum(['admin', 'member', 'guest']) });
const RolePut = z.object({ role: z.enum(['admin', 'member', 'guest']).nullable() }).openapi('RolePut');
const AccountParams = z.object({ id: idSchema.openapi({ param: { name: 'id', in: 'path' } }) });
const RoleParams = z.object({
  space: spaceIdSchema.openapi({ param: { name: 'space', in: 'path' } }),
  accountId: idSchema.openapi({ param: { name: 'accountId', in: 'path' } }),
});

function requireBoxAdmin(c: ApiContext): Account {
  const account = requireAccount(c);
  if (!account.boxAdmin) throw new ForbiddenError("Seul l'administrateur de la boîte peut faire cela.");
  return account;
}

/** Box admins and the space's own admins manage who belongs to it. */
function requireRoleManager(c: ApiContext, spaceId: string): void {
  const account = requireAccount(c);
  const { spaces } = c.get('services');
  if (!spaces.find(spaceId)) throw new NotFoundError(`L'espace « ${spaceId} » est introuvable.`);
  if (!account.boxAdmin) spaces.require(account, spaceId, 'admin');
}

export function spacesRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({ method: 'get', path: '/spaces', tags: ['spaces'], summary: 'Mes espaces', responses: { 200: json(z.object({ spaces: z.array(SpaceSchema) })), 401: errorResponses[401] } }),
    (c) => {
      const account = requireAccount(c);
      const { spaces } = c.get('services');
      const list = account.boxAdmin ? spaces.list() : spaces.visibleTo(account);
      return c.json({ spaces: list.map((s) => ({ ...s, role: spaces.roleOf(account.id, s.id) ?? null, canWrite: spaces.can(account, s.id, 'write') })) }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'post', path: '/spaces', tags: ['spaces'], summary: 'Créer un espace (association)', request: { body: jsonBody(NewSpace) }, responses: { 201: json(SpaceSchema), ...errorResponses, 409: errorResponses[400] } }),
    (c) => {
      const account = requireBoxAdmin(c);
      const { spaces } = c.get('services');
      const s = spaces.create({ ...c.req.valid('json'), kind: 'association' });
      return c.json({ ...s, role: null, canWrite: spaces.can(account, s.id, 'write') }, 201);
    },
  );

  r.openapi(
    createRoute({ method: 'patch', path: '/spaces/{space}', tags: ['spaces'], summary: 'Renommer un espace, changer son quota', request: { params: SpaceParams, body: jsonBody(SpacePatch) }, responses: { 200: json(SpaceSchema), ...errorResponses } }),
    (c) => {
      const account = requireBoxAdmin(c);
      const { spaces } = c.get('services');
      const s = spaces.update(c.req.valid('param').space, c.req.valid('json'));
      return c.json({ ...s, role: spaces.roleOf(account.id, s.id) ?? null, canWrite: spaces.can(account, s.id, 'write') }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: '/spaces/{space}/roles', tags: ['spaces'], summary: "Qui appartient à l'espace", request: { params: SpaceParams }, responses: { 200: json(z.object({ roles: z.array(RoleSchema) })), ...errorResponses } }),
    (c) => {
      const { space } = c.req.valid('param');
      requireRoleManager(c, space);
      const { spaces, accounts } = c.get('services');
      const roles = spaces.members(space).map((m) => {
        const a = accounts.get(m.accountId);
        return { accountId: a.id, displayName: a.displayName, username: a.username, role: m.role };
      });
      return c.json({ roles }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'put', path: '/spaces/{space}/roles/{accountId}', tags: ['spaces'], summary: 'Donner ou retirer un rôle dans un espace', request: { params: RoleParams, body: jsonBody(RolePut) }, responses: { 200: json(OkSchema), ...errorResponses } }),
    (c) => {
      const { space, accountId } = c.req.valid('param');
      requireRoleManager(c, space);
      const { spaces, accounts } = c.get('services');
      accounts.get(accountId);
      spaces.setRole(accountId, space, c.req.valid('json').role);
      return c.json({ ok: true as const }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'get', path: '/accounts', tags: ['accounts'], summary: 'Comptes de la boîte', responses: { 200: json(z.object({ accounts: z.array(AccountSchema) })), ...errorResponses } }),
    (c) => {
      requireBoxAdmin(c);
      return c.json({ accounts: c.get('services').accounts.list() }, 200);
    },
  );

  r.openapi(
    createRoute({ method: 'post', path: '/accounts', tags: ['accounts'], summary: 'Créer un compte', request: { body: jsonBody(NewAccount) }, responses: { 201: json(AccountSchema), ...errorResponses, 409: errorResponses[400] } }),
    async (c) => {
      requireBoxAdmin(c);
      const { accounts, spaces, db } = c.get('services');
      const body = c.req.valid('json');
      for (const r of body.roles ?? []) if (!spaces.find(r.space)) throw new NotFoundError(`L'espace « ${r.space} » est introuvable.`);
      const prepared = await accounts.prepare(body);
      const account = db.transaction(() => {
        const a = accounts.insert(prepared);
        for (const role of body.roles ?? []) spaces.setRole(a.id, role.space, role.role);
        return a;
      })();
      return c.json(account, 201);
    },
  );

  r.openapi(
    createRoute({ method: 'patch', path: '/accounts/{id}', tags: ['accounts'], summary: 'Modifier un compte', request: { params: AccountParams, body: jsonBody(AccountPatch) }, responses: { 200: json(AccountSchema), ...errorResponses } }),
    async (c) => {
      const me = requireAccount(c);
      const { id } = c.req.valid('param');
      const change = c.req.valid('json');
      // Everyone may change their own name and password; the rest is the box admin's.
      const own = id === me.id && change.disabled === undefined && change.boxAdmin === undefined;
      if (!own) requireBoxAdmin(c);
      return c.json(await c.get('services').accounts.update(id, change), 200);
    },
  );

  return r;
}
