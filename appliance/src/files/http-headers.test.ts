import { describe, expect, it } from 'vitest';
import { contentDisposition, etagOf, ifRangeAllows, noneMatch, parseRange } from './http-headers.js';

describe('Range', () => {
  const size = 100;
  it.each([
    ['bytes=0-9', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=10-19', { kind: 'partial', start: 10, end: 19 }],
    ['bytes=90-', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=90-1000', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-7', { kind: 'partial', start: 93, end: 99 }],
    ['bytes=-1000', { kind: 'partial', start: 0, end: 99 }],
    ['Bytes = 5 - 6', { kind: 'partial', start: 5, end: 6 }],
    ['bytes=99-99', { kind: 'partial', start: 99, end: 99 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=100-200', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['bytes=9-3', { kind: 'full' }],
    ['bytes=abc', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
    ['bytes=1234567890123456-', { kind: 'full' }],
  ])('%s', (header, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it('serves everything without a header; nothing is satisfiable in an empty file', () => {
    expect(parseRange(undefined, size)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-5', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('validators', () => {
  const etag = etagOf('ab'.repeat(32));
  it('If-None-Match: exact, weak, list, star', () => {
    expect(noneMatch(undefined, etag)).toBe(false);
    expect(noneMatch(etag, etag)).toBe(true);
    expect(noneMatch(`W/${etag}`, etag)).toBe(true);
    expect(noneMatch(`"other", ${etag}`, etag)).toBe(true);
    expect(noneMatch('*', etag)).toBe(true);
    expect(noneMatch('"other"', etag)).toBe(false);
  });
  it('If-Range honours the range only for our ETag', () => {
    expect(ifRangeAllows(undefined, etag)).toBe(true);
    expect(ifRangeAllows(etag, etag)).toBe(true);
    expect(ifRangeAllows('"old"', etag)).toBe(false);
    expect(ifRangeAllows('Wed, 21 Oct 2015 07:28:00 GMT', etag)).toBe(false);
  });
});

describe('Content-Disposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name (RFC 6266, RFC 8187)', () => {
    const v = contentDisposition('Réunion « été » (2026)*.pdf');
    expect(v).toBe(`attachment; filename="Reunion _ ete _ (2026)*.pdf"; filename*=UTF-8''R%C3%A9union%20%C2%AB%20%C3%A9t%C3%A9%20%C2%BB%20%282026%29%2A.pdf`);
    expect(decodeURIComponent(v.split("UTF-8''")[1]!)).toBe('Réunion « été » (2026)*.pdf');
  });
  it('escapes quotes, backslashes and percent signs in the fallback', () => {
    expect(contentDisposition('a"b\\c%d.txt')).toContain('filename="a_b_c_d.txt"');
    expect(contentDisposition("l'été.txt")).toContain("filename*=UTF-8''l%27%C3%A9t%C3%A9.txt");
    expect(contentDisposition('日本')).toContain('filename="__"');
  });
});
