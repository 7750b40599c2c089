// The sync bench's data, the same on every run and for every contender: 1,000 member
// records of about 200 bytes (as JSON lines), then 10 of them changed; and the lower
// bound, the brotli-compressed size (quality 11) of that data itself.
import { brotliCompressSync, constants as zc } from 'node:zlib';

export const SEED = 2026;
export const RECORDS = 1000;
export const CHANGED = 10;
export const SPACE = 'givors-gavinane';
export const COLL = 'members';

/** The seeded generator the convergence test uses (mulberry32). */
import { prng as seeded } from '../../appliance/dist/testing/index.js';
export { seeded };

const FIRST = 'Awa Fatoumata Mariam Aminata Kadiatou Oumou Hawa Salif Moussa Ibrahima Seydou Bakary Youssouf Boubacar Lucie Chantal Nadia Karim Pierre Sophie Mohamed Claire Julien Rokia'.split(' ');
const LAST = 'Traoré Keïta Coulibaly Diarra Konaté Sissoko Diallo Camara Sangaré Touré Dembélé Martin Bernard Petit Durand Moreau Laurent Garcia Benali Roux'.split(' ');
const TOWNS = 'Gavinané Nioro Kayes Bamako Givors Grigny Youri Lyon Vénissieux Diéma'.split(' ');
const WORDS = (
  'réunion comité jumelage école puits cotisation budget récolte mil fournitures scolaires ' +
  'santé dispensaire formation bénévoles compte rendu assemblée générale projet maraîchage ' +
  'semences pluie hivernage marché transport container livres bibliothèque électricité ' +
  'panneaux solaires eau potable'
).split(' ');

const two = (n) => String(n).padStart(2, '0');

function notes(rand) {
  const out = [];
  for (let i = 2 + rand.int(4); i > 0; i--) out.push(rand.pick(WORDS));
  return out.join(' ');
}

function phone(rand) {
  return `+223 ${two(60 + rand.int(40))} ${two(rand.int(100))} ${two(rand.int(100))} ${two(rand.int(100))}`;
}

/** The 1,000 records: { coll, id, fields }. */
export function makeRecords(seed = SEED) {
  const rand = seeded(seed);
  return Array.from({ length: RECORDS }, (_, i) => {
    const first = rand.pick(FIRST);
    const last = rand.pick(LAST);
    return {
      coll: COLL,
      id: `m${String(i + 1).padStart(4, '0')}`,
      fields: {
        name: `${first} ${last}`,
        town: rand.pick(TOWNS),
        phone: phone(rand),
        email: `${first}.${last}${rand.int(100)}@exemple.org`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
        joined: `20${two(10 + rand.int(16))}-${two(1 + rand.int(12))}-${two(1 + rand.int(28))}`,
        notes: notes(rand),
      },
    };
  });
}

/** The same 10 records changed (a new phone and new notes), whole: what a form saves. */
export function changeRecords(records, seed = SEED + 1) {
  const rand = seeded(seed);
  const picked = new Set();
  while (picked.size < CHANGED) picked.add(rand.int(records.length));
  return [...picked].sort((a, b) => a - b).map((i) => {
    const r = records[i];
    return { coll: r.coll, id: r.id, fields: { ...r.fields, phone: phone(rand), notes: notes(rand) } };
  });
}

/** The canonical form of the data: one JSON object per line. */
export function jsonLines(records) {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export function brotliBytes(text) {
  return brotliCompressSync(Buffer.from(text), {
    params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text) },
  }).length;
}
