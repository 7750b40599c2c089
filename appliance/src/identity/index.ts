/**
 * The site's identity: an Ed25519 key pair made on first boot, never leaving the box.
 * The site id is the libp2p peer id of that key ("12D3KooW…"), so the sync layer can
 * use the same key for Noise without any mapping.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { base58btc } from 'multiformats/bases/base58';

export interface SiteKey {
  readonly siteId: string;
  readonly publicKey: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
  /** PKCS#8 DER, to store in the database. */
  exportPrivate(): Buffer;
}

// Ed25519 SubjectPublicKeyInfo prefix: the DER header before the 32 raw key bytes.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function generateSiteKey(): SiteKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return fromPrivate(privateKey);
}

export function importSiteKey(pkcs8: Buffer): SiteKey {
  return fromPrivate(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
}

function fromPrivate(privateKey: KeyObject): SiteKey {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  const siteId = peerIdOf(publicKey);
  return {
    siteId,
    publicKey,
    sign: (data) => new Uint8Array(sign(null, data, privateKey)),
    exportPrivate: () => privateKey.export({ format: 'der', type: 'pkcs8' }),
  };
}

/**
 * libp2p peer id of an Ed25519 public key: identity multihash (0x00, length 36) of the
 * protobuf PublicKey { Type = Ed25519 (1), Data = key }, in base58btc without prefix.
 */
export function peerIdOf(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new RangeError('an Ed25519 public key has 32 bytes');
  const proto = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, 0x20]), publicKey]);
  const mh = Buffer.concat([Buffer.from([0x00, proto.length]), proto]);
  return base58btc.encode(mh).slice(1);
}

/** The Ed25519 public key inside a peer id, or null if the id is not an Ed25519 one. */
export function publicKeyOf(siteId: string): Uint8Array | null {
  let bytes: Uint8Array;
  try {
    bytes = base58btc.decode(`z${siteId}`);
  } catch {
    return null;
  }
  if (bytes.length !== 38 || bytes[0] !== 0x00 || bytes[1] !== 36) return null;
  if (bytes[2] !== 0x08 || bytes[3] !== 0x01 || bytes[4] !== 0x12 || bytes[5] !== 0x20) return null;
  return bytes.subarray(6);
}

const keyCache = new Map<string, KeyObject>();

export function verifySignature(siteId: string, data: Uint8Array, signature: Uint8Array): boolean {
  let key = keyCache.get(siteId);
  if (!key) {
    const raw = publicKeyOf(siteId);
    if (!raw) return false;
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(siteId, key);
  }
  return signature.length === 64 && verify(null, data, key, signature);
}
