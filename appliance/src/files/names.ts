/**
 * File and folder names as users type them, checked before anything is stored: no path
 * tricks ("..", "/", "\"), no control or bidirectional-override characters, no names
 * Windows cannot hold (the terminals are old recycled PCs, mostly Windows), at most
 * 255 bytes of UTF-8 per name. Names are normalised to NFC so "é" typed on two keyboards
 * is one name.
 */
import { BadRequestError } from '../errors/index.js';

export const MAX_NAME_BYTES = 255;
export const MAX_FOLDER_BYTES = 1024;
export const MAX_FOLDER_DEPTH = 32;

// C0 and C1 controls, DEL; bidirectional overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) that can disguise "facture.exe" as "facture.pdf"; lone surrogates.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Device names Windows reserves, with or without an extension ("CON", "nul.txt", "COM1").
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

// type/subtype, then parameters (token=token or token="quoted"), RFC 9110 §8.3.1.
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(?:\s*;\s*[a-z0-9!#$&^_.+-]+=(?:[a-z0-9!#$&^_.+-]+|"[^"\\\u0000-\u001f\u007f]*"))*$/;

function invalidName(message: string): never {
  throw new BadRequestError(message, 'invalid_file_name');
}
function invalidFolder(message: string): never {
  throw new BadRequestError(message, 'invalid_folder');
}

/** Why `segment` cannot be one name in a path, in plain words; undefined if it can. */
function problemWith(segment: string): string | undefined {
  if (segment.length === 0) return 'est vide';
  if (segment === '.' || segment === '..') return 'ne peut pas être « . » ni « .. »';
  if (segment.includes('/') || segment.includes('\\')) return 'ne peut pas contenir « / » ni « \\ »';
  if (FORBIDDEN.test(segment)) return 'contient un caractère invisible ou de contrôle';
  if (Buffer.byteLength(segment, 'utf8') > MAX_NAME_BYTES) return `est trop long (${MAX_NAME_BYTES} octets au plus)`;
  if (/[ .]$/.test(segment)) return 'ne peut pas finir par un espace ou un point';
  if (WINDOWS_RESERVED.test(segment)) return 'est un nom réservé par Windows';
  return undefined;
}

/** A file name, normalised to NFC; throws a 400 in plain French if it is not acceptable. */
export function fileName(raw: string): string {
  const name = raw.normalize('NFC');
  const problem = problemWith(name);
  if (problem) invalidName(`Le nom du fichier ${problem}.`);
  return name;
}

/**
 * A folder path: "" for the top, else names joined by "/" ("Comptes/2026"), with no
 * leading, trailing or doubled "/". Normalised to NFC; throws a 400 otherwise.
 */
export function folderPath(raw: string): string {
  const folder = raw.normalize('NFC');
  if (folder === '') return '';
  if (folder.startsWith('/')) invalidFolder('Le dossier ne peut pas commencer par « / ».');
  if (Buffer.byteLength(folder, 'utf8') > MAX_FOLDER_BYTES) invalidFolder(`Le chemin du dossier est trop long (${MAX_FOLDER_BYTES} octets au plus).`);
  const segments = folder.split('/');
  if (segments.length > MAX_FOLDER_DEPTH) invalidFolder(`Trop de dossiers imbriqués (${MAX_FOLDER_DEPTH} au plus).`);
  for (const segment of segments) {
    const problem = problemWith(segment);
    if (problem) invalidFolder(`Le dossier « ${printable(folder)} » n'est pas valable : un de ses noms ${problem}.`);
  }
  return folder;
}

/** Whether a name read back from a record (perhaps made on another box) passes the same rules. */
export function isValidFileName(name: unknown): name is string {
  return typeof name === 'string' && name === name.normalize('NFC') && problemWith(name) === undefined;
}

export function isValidFolder(folder: unknown): folder is string {
  if (typeof folder !== 'string') return false;
  try {
    return folderPath(folder) === folder;
  } catch {
    return false;
  }
}

/**
 * The media type to store for an upload: the request's Content-Type if it is a plain
 * "type/subtype" (parameters kept), else application/octet-stream. A multipart type
 * means the client sent a form, not the file: we store the bytes as they came.
 */
export function mediaTypeOf(header: string | undefined): string {
  const value = header?.trim().toLowerCase() ?? '';
  if (value.length > 200 || !MEDIA_TYPE.test(value) || value.startsWith('multipart/')) return 'application/octet-stream';
  return value;
}

/** Shown back in a message without control characters that could garble it. */
function printable(s: string): string {
  const clean = s.replace(new RegExp(FORBIDDEN.source, 'g'), '?');
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}
