/** The site's Ed25519 key as a libp2p private key, so the site id is the peer id. */
import './polyfill.js';
import { createPrivateKey } from 'node:crypto';
import { privateKeyFromRaw } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import type { SiteKey } from '../identity/index.js';

export function libp2pKey(site: SiteKey): PrivateKey {
  const jwk = createPrivateKey({ key: site.exportPrivate(), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x) throw new Error('the site key is not an Ed25519 key');
  // libp2p's raw Ed25519 private key: the 32-byte seed followed by the 32-byte public key.
  const raw = Buffer.concat([Buffer.from(jwk.d, 'base64url'), Buffer.from(jwk.x, 'base64url')]);
  return privateKeyFromRaw(raw);
}
