import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileDurably } from './index.js';

describe('writeFileDurably', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'solidaire-durable-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the whole text, makes the folders, and leaves no temporary file', () => {
    const path = join(dir, 'a', 'b', 'state.json');
    writeFileDurably(path, '{"seq":1}');
    expect(readFileSync(path, 'utf8')).toBe('{"seq":1}');
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('replaces an older file whole, with the mode asked for', () => {
    const path = join(dir, 'secret.json');
    writeFileSync(path, 'old and longer than the new text');
    writeFileDurably(path, 'new', { mode: 0o600 });
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('leaves the old file untouched when the new one cannot be written', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, 'old');
    // A directory where the temporary file should go: the write fails before any rename.
    mkdirSync(`${path}.tmp`);
    expect(() => writeFileDurably(path, 'new')).toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
  });
});
