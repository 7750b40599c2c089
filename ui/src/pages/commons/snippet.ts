/**
 * A search snippet from the box is escaped text with the words found between <mark> and
 * </mark>: split it into parts to show as text, never as HTML.
 */
export interface SnippetPart {
  text: string;
  mark: boolean;
}

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };

function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e] ?? e);
}

export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  snippet.split(/(<mark>[\s\S]*?<\/mark>)/).forEach((piece) => {
    if (!piece) return;
    const marked = piece.indexOf('<mark>') === 0;
    parts.push({ text: unescape(marked ? piece.slice(6, -7) : piece), mark: marked });
  });
  return parts;
}
