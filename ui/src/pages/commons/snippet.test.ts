import { describe, expect, it } from 'vitest';
import { snippetParts } from './snippet.js';

describe('search snippet', () => {
  it('splits the marked words out and unescapes the text, never making HTML', () => {
    expect(snippetParts('Les kits <mark>solaires</mark> de Youri &amp; l&#39;école &lt;b&gt;')).toEqual([
      { text: 'Les kits ', mark: false },
      { text: 'solaires', mark: true },
      { text: " de Youri & l'école <b>", mark: false },
    ]);
  });
});
