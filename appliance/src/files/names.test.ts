import { describe, expect, it } from 'vitest';
import { fileName, folderPath, mediaTypeOf } from './names.js';

const badNames: Array<[string, string]> = [
  ['', 'vide'],
  ['.', '« . »'],
  ['..', '« .. »'],
  ['../etc/passwd', '« / »'],
  ['a/b', '« / »'],
  ['..\\..\\boot.ini', '« \\ »'],
  ['nul\u0000.txt', 'contrôle'],
  ['ligne\nnouvelle', 'contrôle'],
  ['tab\there', 'contrôle'],
  ['del\u007f', 'contrôle'],
  ['c1\u0085', 'contrôle'],
  ['facture\u202Efdp.exe', 'invisible'],
  ['isolé\u2066.txt', 'invisible'],
  ['demi\ud800', 'invisible'],
  ['x'.repeat(256), 'trop long'],
  ['é'.repeat(128), 'trop long'],
  ['CON', 'Windows'],
  ['nul.txt', 'Windows'],
  ['Com1.log', 'Windows'],
  ['lpt9', 'Windows'],
  ['fin.', 'finir'],
  ['fin ', 'finir'],
];

describe('file names', () => {
  it.each(badNames)('refuses %j in plain French', (name, why) => {
    expect(() => fileName(name)).toThrowError(expect.objectContaining({ code: 'invalid_file_name', message: expect.stringContaining(why) }));
  });

  it('accepts ordinary names, including accents, spaces, colons and 255 bytes', () => {
    for (const ok of ['Compte rendu.pdf', 'Réunion 12:30 (v2).odt', '.bashrc', 'x'.repeat(255), 'é'.repeat(127), 'console.txt', 'CONTRAT.pdf', '日本.txt', '😀.png']) {
      expect(fileName(ok)).toBe(ok);
    }
  });

  it('normalises to NFC', () => {
    const nfd = 'e\u0301te\u0301.txt';
    expect(fileName(nfd)).toBe('été.txt');
    expect(fileName(nfd)).toHaveLength(7);
  });
});

describe('folders', () => {
  it('accepts the top and nested paths', () => {
    expect(folderPath('')).toBe('');
    expect(folderPath('Comptes')).toBe('Comptes');
    expect(folderPath('Comptes/2026/Reçus')).toBe('Comptes/2026/Reçus');
    expect(folderPath('Compte\u0301s')).toBe('Comptés');
  });

  it.each([
    '/etc',
    '..',
    'a/../b',
    'a/./b',
    'a//b',
    'a/',
    'a\\b',
    'a/\u0001',
    'a/CON',
    'x'.repeat(256),
    Array.from({ length: 33 }, () => 'd').join('/'),
    ('x'.repeat(200) + '/').repeat(6) + 'x',
  ])('refuses %j', (folder) => {
    expect(() => folderPath(folder)).toThrowError(expect.objectContaining({ code: 'invalid_folder', message: expect.stringMatching(/dossier/i) }));
  });
});

describe('media types', () => {
  it('keeps a plain type and its parameters, lowercased', () => {
    expect(mediaTypeOf('application/pdf')).toBe('application/pdf');
    expect(mediaTypeOf('Text/Plain; charset=UTF-8')).toBe('text/plain; charset=utf-8');
  });
  it('falls back to octet-stream for nothing, nonsense and multipart', () => {
    expect(mediaTypeOf(undefined)).toBe('application/octet-stream');
    expect(mediaTypeOf('')).toBe('application/octet-stream');
    expect(mediaTypeOf('pdf')).toBe('application/octet-stream');
    expect(mediaTypeOf('text/html\r\nSet-Cookie: x=1')).toBe('application/octet-stream');
    expect(mediaTypeOf('multipart/form-data; boundary=abc')).toBe('application/octet-stream');
  });
});
