/** The session cookie as the API reads it (every request, so without a full parse). */
import { describe, expect, it } from 'vitest';
import { cookieValue, SESSION_COOKIE } from './session.js';

describe('cookieValue', () => {
  it('finds the cookie among others, wherever it is', () => {
    expect(cookieValue(`${SESSION_COOKIE}=abc`, SESSION_COOKIE)).toBe('abc');
    expect(cookieValue(`lang=fr; ${SESSION_COOKIE}=abc; theme=clair`, SESSION_COOKIE)).toBe('abc');
    expect(cookieValue(`lang=fr;${SESSION_COOKIE}=abc`, SESSION_COOKIE)).toBe('abc');
    expect(cookieValue(`${SESSION_COOKIE}="abc"`, SESSION_COOKIE)).toBe('abc');
    expect(cookieValue(`${SESSION_COOKIE}= abc ;x=1`, SESSION_COOKIE)).toBe('abc');
  });

  it('does not take a cookie whose name only contains the name, nor a value that mentions it', () => {
    expect(cookieValue(`old_${SESSION_COOKIE}=x`, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue(`${SESSION_COOKIE}_old=x`, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue(`note=${SESSION_COOKIE}=x`, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue(`old_${SESSION_COOKIE}=x; ${SESSION_COOKIE}=bon`, SESSION_COOKIE)).toBe('bon');
  });

  it('gives nothing for an absent or empty cookie', () => {
    expect(cookieValue(undefined, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue('', SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue('lang=fr', SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue(`${SESSION_COOKIE}=`, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue(`${SESSION_COOKIE}=""`, SESSION_COOKIE)).toBeUndefined();
  });
});
