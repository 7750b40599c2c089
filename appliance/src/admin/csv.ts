/**
 * CSV for French spreadsheets. RFC 4180 quoting and CRLF line ends, but:
 * - the separator is ";" and amounts use a decimal comma, because Excel and LibreOffice
 *   set to French read "," as the decimal mark and expect ";" between cells;
 * - the file starts with a UTF-8 byte order mark, without which French Excel reads the
 *   bytes as Windows-1252 and shows "Ã©" for "é".
 * Text cells that start with = + - @ (or tab, CR: OWASP's list) get a leading quote so a
 * spreadsheet shows them as text instead of running them as formulas.
 */
export const BOM = '\uFEFF';
export const SEPARATOR = ';';
const EOL = '\r\n';

/** A cell: user text (guarded), an amount in cents (written as a number), or empty. */
export type Cell = string | { readonly cents: number } | null;

/** 123456 → "1234,56"; -5 → "-0,05". Integer arithmetic only: money is never a float. */
export function frenchAmount(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`an amount is an integer number of cents, not ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** A leading quote on text a spreadsheet would take for a formula. */
export function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** [RFC 4180 §2.6, §2.7] quote a field holding the separator, a quote or a line break; double its quotes. */
export function quote(field: string): string {
  return /[";\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function cell(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'string') return quote(defuse(c));
  return frenchAmount(c.cents);
}

/** The whole file: BOM, header line, rows, each line ended by CRLF. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const lines = [header.map(cell).join(SEPARATOR)];
  for (const row of rows) lines.push(row.map(cell).join(SEPARATOR));
  return BOM + lines.join(EOL) + EOL;
}

/** A CSV download: UTF-8 bytes and a file name for the browser. */
export function csvResponse(body: string, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  });
}
