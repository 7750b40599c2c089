/**
 * A text change as an edit script for Y.Text. fast-diff is exact, but its cost grows with
 * the square of the changed span (measured here: two unrelated texts of 10,000 characters
 * take over 2 s), and one big paste must not stop the box answering everyone else. So:
 * characters when the changed span is small; otherwise lines first (Myers, giving up past
 * MAX_LINE_EDITS), then characters inside each changed hunk while a work budget lasts.
 * What is left is replaced whole: still correct, only coarser when merged with a
 * concurrent edit. Cuts never fall inside a surrogate pair (Yjs would store U+FFFD).
 */
import fastDiff from 'fast-diff';

export type Edit = [-1 | 0 | 1, string];

const CHAR_SPAN = 2_000;
const CHAR_BUDGET = 4 * CHAR_SPAN ** 2;
const MAX_LINES = 100_000;
const MAX_LINE_EDITS = 1_000;

export function textDiff(a: string, b: string): Edit[] {
  const pre = commonPrefix(a, b);
  const suf = commonSuffix(a, b, pre);
  const x = a.slice(pre, a.length - suf);
  const y = b.slice(pre, b.length - suf);
  const budget = { left: CHAR_BUDGET };
  const middle = !x || !y || x.length + y.length <= CHAR_SPAN ? refine(x, y, budget) : lineDiff(x, y, budget);
  return [[0, a.slice(0, pre)] as Edit, ...middle, [0, a.slice(a.length - suf)] as Edit].filter((e) => e[1].length > 0);
}

/** Characters when the budget allows, else delete-and-insert. */
function refine(x: string, y: string, budget: { left: number }): Edit[] {
  if (!x || !y) return [[-1, x], [1, y]];
  const cost = (x.length + y.length) ** 2;
  if (x.length + y.length > CHAR_SPAN || cost > budget.left) return [[-1, x], [1, y]];
  budget.left -= cost;
  const edits = fastDiff(x, y, undefined, true);
  // fast-diff can still cut between the halves of a surrogate pair (seen with emoji next to
  // skin-tone modifiers): then replace the span whole, whose ends are always whole characters.
  return edits.some(([, s]) => cutsPair(s)) ? [[-1, x], [1, y]] : edits;
}

function cutsPair(s: string): boolean {
  return s.length > 0 && (isLow(s.charCodeAt(0)) || isHigh(s.charCodeAt(s.length - 1)));
}

function lineDiff(x: string, y: string, budget: { left: number }): Edit[] {
  const xl = lines(x);
  const yl = lines(y);
  if (xl.length + yl.length > MAX_LINES) return [[-1, x], [1, y]];
  const ids = new Map<string, number>();
  const token = (l: string): number => {
    let id = ids.get(l);
    if (id === undefined) ids.set(l, (id = ids.size));
    return id;
  };
  const script = myers(xl.map(token), yl.map(token), MAX_LINE_EDITS);
  if (!script) return [[-1, x], [1, y]];
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  let del = '';
  let ins = '';
  for (const op of script) {
    if (op === 0) {
      if (del || ins) out.push(...refine(del, ins, budget));
      del = ins = '';
      out.push([0, xl[i++]!]);
      j++;
    } else if (op === -1) del += xl[i++]!;
    else ins += yl[j++]!;
  }
  if (del || ins) out.push(...refine(del, ins, budget));
  return out;
}

/** Lines with their ending kept, so joining them gives the text back. */
function lines(s: string): string[] {
  const out = s.split(/(?<=\n)/);
  return out.length === 1 && out[0] === '' ? [] : out;
}

/**
 * Myers' greedy diff ("An O(ND) Difference Algorithm", 1986) of two token arrays: one op
 * per token (0 keep, -1 delete from a, 1 insert from b), or null past maxD edits.
 */
export function myers(a: readonly number[], b: readonly number[], maxD: number): Array<-1 | 0 | 1> | null {
  const n = a.length;
  const m = b.length;
  const off = maxD + 1;
  const v = new Int32Array(2 * maxD + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(maxD, n + m); d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], n: number, m: number): Array<-1 | 0 | 1> {
  const ops: Array<-1 | 0 | 1> = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const at = (k: number): number => trace[d]![k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push(0);
      x--;
      y--;
    }
    if (d > 0) ops.push(x === prevX ? 1 : -1);
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i > 0 && isHigh(a.charCodeAt(i - 1)) ? i - 1 : i;
}

function commonSuffix(a: string, b: string, pre: number): number {
  const n = Math.min(a.length, b.length) - pre;
  let i = 0;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i > 0 && isLow(a.charCodeAt(a.length - i)) ? i - 1 : i;
}
