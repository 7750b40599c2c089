/** What an export or an import did, in French, for the command line. */
import type { ExportSummary } from './export.js';
import type { ImportSummary } from './import.js';

const n = (x: number) => x.toLocaleString('fr-FR');
const plural = (x: number, one: string, many: string) => `${n(x)} ${x === 1 || x === 0 ? one : many}`;

export function formatBytes(b: number): string {
  if (b < 1024) return plural(b, 'octet', 'octets');
  const units = ['Ko', 'Mo', 'Go', 'To'];
  let v = b / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} ${units[i]}`;
}

function perSpace(spaces: Record<string, number>): string {
  const list = Object.entries(spaces).sort((a, b) => b[1] - a[1]);
  if (list.length === 0) return '';
  return ` (${list.map(([s, k]) => `${s} : ${n(k)}`).join(', ')})`;
}

export function describeExport(s: ExportSummary, file: string): string {
  const what = s.target === null
    ? 'tout ce que cette boîte détient'
    : s.complete
      ? `pour le site ${s.target} : tout ce que cette boîte détient (elle n'a encore reçu aucun paquet de ce site)`
      : `pour le site ${s.target} : ce qui lui manque depuis le dernier paquet reçu de lui`;
  const spaces = Object.keys(s.spaces).length;
  return [
    `Paquet écrit : ${file} (${plural(s.bytes, 'octet', 'octets')})`,
    `  ${what}`,
    `  ${plural(s.ops, 'opération', 'opérations')} de ${plural(spaces, 'espace', 'espaces')}${perSpace(s.spaces)}`,
    `  ${plural(s.blobs, 'fichier', 'fichiers')} (${formatBytes(s.blobBytes)})`,
  ].join('\n');
}

export function describeImport(s: ImportSummary): string {
  const when = new Date(s.createdAt).toLocaleString('fr-FR');
  const target = s.target === null ? 'pour tout site' : s.forThisSite ? 'pour ce site' : `pour un autre site (${s.target}), appliqué quand même`;
  const spaces = Object.keys(s.spaces).length;
  const lines = [
    `Paquet importé : fait par le site ${s.site} le ${when}, ${target}`,
    `  ${plural(s.ops, 'opération', 'opérations')} de ${plural(spaces, 'espace', 'espaces')}${perSpace(s.spaces)}, dont ${plural(s.applied, 'nouvelle', 'nouvelles')}`,
  ];
  if (s.ignored > 0) lines.push(`  ${plural(s.ignored, 'opération', 'opérations')} d'espaces que cette boîte n'a pas le droit de détenir, laissées de côté`);
  lines.push(`  ${plural(s.blobs, 'fichier', 'fichiers')}, dont ${plural(s.blobsNew, 'nouveau', 'nouveaux')} (${formatBytes(s.blobBytes)})`);
  lines.push(`  ${plural(s.bytes, 'octet lu', 'octets lus')}`);
  if (s.applied === 0 && s.blobsNew === 0) lines.push('  Rien de nouveau : cette boîte avait déjà tout ce que contient ce paquet.');
  return lines.join('\n');
}
