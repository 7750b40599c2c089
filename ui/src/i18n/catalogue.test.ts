import { describe, expect, it } from 'vitest';
import { fr } from './fr.js';
import { en } from './en.js';
import { CATALOGUES, LANGS, placeholders, translate } from './translate.js';

describe('message catalogue', () => {
  it('has every key in both languages, and no other', () => {
    for (const lang of LANGS) expect(Object.keys(CATALOGUES[lang]).sort(), lang).toEqual(Object.keys(fr).sort());
  });

  it('has no empty message', () => {
    for (const lang of LANGS) for (const [key, text] of Object.entries(CATALOGUES[lang])) expect(text.trim(), `${lang} ${key}`).not.toBe('');
  });

  it('uses the same {placeholders} in both languages', () => {
    for (const key of Object.keys(fr) as Array<keyof typeof fr>) expect(placeholders(en[key]), key).toEqual(placeholders(fr[key]));
  });

  it('writes French with its typography: no straight apostrophe, a space before « : » and after « »', () => {
    for (const [key, text] of Object.entries(fr)) {
      expect(text, key).not.toMatch(/'/);
      expect(text, key).not.toMatch(/\S[:;?!]( |$)/);
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('fr', 'docs.updated', { when: 'hier', by: 'Awa' })).toBe('Modifié hier par Awa');
    expect(translate('en', 'docs.updated', { when: 'yesterday', by: 'Awa' })).toBe('Changed yesterday by Awa');
    expect(translate('fr', 'docs.updated', { when: 'hier' })).toBe('Modifié hier par {by}');
  });
});
