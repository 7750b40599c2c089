/**
 * First-run setup of a box: its name and its first administrator, and the commons space.
 * Runs once; the CLI and the API both call this.
 */
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/index.js';
import type { Accounts, Account } from '../auth/accounts.js';
import { COMMONS, type Spaces } from '../spaces/spaces.js';
import type { SiteInfo } from './site.js';
import { ConflictError } from '../errors/index.js';

export const usernameSchema = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9._-]+$/i, "lettres sans accent, chiffres, point, tiret ou tiret bas")
  .openapi({ example: 'awa' });
export const passwordSchema = z.string().min(8, 'au moins 8 caractères').max(200).openapi({ example: 'mot-de-passe' });
export const displayNameSchema = z.string().trim().min(1).max(100).openapi({ example: 'Awa Traoré' });

export const setupSchema = z
  .object({
    siteName: z.string().trim().min(1).max(100).openapi({ example: 'Nioro du Sahel' }),
    admin: z.object({ username: usernameSchema, displayName: displayNameSchema, password: passwordSchema }),
  })
  .openapi('Setup');
export type SetupInput = z.infer<typeof setupSchema>;

/** Setup with the administrator's password already hashed (a provisioning file may carry the hash only). */
export interface SetupWithHash {
  readonly siteName: string;
  readonly admin: { readonly username: string; readonly displayName: string; readonly passwordHash: string };
}

export async function performSetup(
  deps: { db: Db; site: SiteInfo; accounts: Accounts; spaces: Spaces },
  input: SetupInput | SetupWithHash,
): Promise<Account> {
  if (deps.site.isSetUp) throw new ConflictError('Cette boîte est déjà configurée.', 'already_set_up');
  // Hash first (async), then everything lands in one transaction or not at all.
  const admin = input.admin;
  const prepared =
    'passwordHash' in admin
      ? { username: admin.username, displayName: admin.displayName, password: '', passwordHash: admin.passwordHash, boxAdmin: true }
      : await deps.accounts.prepare({ ...admin, boxAdmin: true });
  return deps.db.transaction(() => {
    if (deps.site.isSetUp) throw new ConflictError('Cette boîte est déjà configurée.', 'already_set_up');
    const admin = deps.accounts.insert(prepared);
    if (!deps.spaces.find(COMMONS)) deps.spaces.create({ id: COMMONS, name: 'Base commune', kind: 'commons' });
    deps.site.markSetUp(input.siteName);
    return admin;
  })();
}
