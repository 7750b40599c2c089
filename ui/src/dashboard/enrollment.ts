/** The enrollment form's text and the downloaded file's name: pure, tested in Node. */

/** "comite-gavinane" hosts it, "comite-nioro carry" only carries it; one per line. */
export function parseSpaces(text: string): Record<string, 'host' | 'carry'> {
  const out: Record<string, 'host' | 'carry'> = {};
  for (const line of text.split(/\r?\n/)) {
    const [id, mode] = line.trim().split(/\s+/);
    if (id) out[id] = mode === 'carry' ? 'carry' : 'host';
  }
  return out;
}

export function fileName(siteName: string): string {
  const slug = siteName.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `inscription-${slug || 'site'}.json`;
}
