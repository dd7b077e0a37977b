/**
 * The few pieces of Go's standard library and of go-pretty's `text` package (v6.8.x) that NFD's
 * pretty report goes through (NFD v0.19.0 cmd/nfd/subcmd/compat/validate-node.go). Written from their documented behaviour so that
 * our table is byte-identical, colour codes and all:
 *
 * - `colorize`: go-pretty `text.Colors.Sprint` / `text.Escape` (how SGR codes wrap text that may
 *   already contain codes);
 * - `displayWidth` / `longestLineWidth`: go-pretty's width functions, which skip escape sequences
 *   and count East Asian wide runes as 2 (go-runewidth, non-East-Asian locale);
 * - `wrapText`: go-pretty `text.WrapText` (hard wrap; used for the table title and every cell);
 * - `alignLeft` / `alignRight`: go-pretty `text.Align.Apply` (note: it trims before padding);
 * Go's own `strings` functions come from src/go/strings.ts.
 */

import * as strings from '../../go/strings.ts';

export const ESC = '\x1b';
export const ESCAPE_RESET = '\x1b[0m';

/** SGR codes of the go-pretty colours NFD uses. */
export const SGR = {
  bold: 1,
  fgRed: 31,
  fgGreen: 32,
  fgCyan: 36,
  fgWhite: 37,
  bgRed: 41,
  bgGreen: 42,
  fgHiRed: 91,
  fgHiGreen: 92,
} as const;

/** `text.Colors{...}.EscapeSeq()`: one CSI sequence with the codes joined by `;` in the given order. */
export function escapeSeq(codes: readonly number[]): string {
  return codes.length === 0 ? '' : `${ESC}[${codes.join(';')}m`;
}

/**
 * go-pretty `text.Escape(str, seq)`: prefix the sequence unless the text already starts with a CSI,
 * re-open it after every reset inside, close with a reset, and drop `seq+reset` pairs (empty spans).
 */
export function goEscape(str: string, seq: string): string {
  let out = str.startsWith(`${ESC}[`) ? '' : seq;
  out += str.split(ESCAPE_RESET).join(ESCAPE_RESET + seq);
  if (!out.endsWith(ESCAPE_RESET)) out += ESCAPE_RESET;
  const empty = seq + ESCAPE_RESET;
  if (out.includes(empty)) out = out.split(empty).join('');
  return out;
}

/** `text.Colors{codes}.Sprint(s)` with colours globally on or off (`text.DisableColors`). */
export function colorize(s: string, codes: readonly number[], enabled: boolean): string {
  const seq = escapeSeq(codes);
  if (!enabled || seq === '') return s;
  return goEscape(s, seq);
}

// ---------------------------------------------------------------------------------------------
// Widths

// Zero-width runes: combining marks, format characters, line/paragraph separators. A fixed
// internal pattern (not user input), so a JS RegExp is fine here.
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u2028\u2029]$/u;

// East Asian Wide and Fullwidth ranges plus emoji with default emoji presentation (what
// go-runewidth counts as 2 columns). Sorted [from, to] pairs.
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f3],
  [0x26f5, 0x26f5],
  [0x26fa, 0x26fa],
  [0x26fd, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x274e, 0x274e],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f320],
  [0x1f32d, 0x1f335],
  [0x1f337, 0x1f37c],
  [0x1f37e, 0x1f393],
  [0x1f3a0, 0x1f3ca],
  [0x1f3cf, 0x1f3d3],
  [0x1f3e0, 0x1f3f0],
  [0x1f3f4, 0x1f3f4],
  [0x1f3f8, 0x1f43e],
  [0x1f440, 0x1f440],
  [0x1f442, 0x1f4fc],
  [0x1f4ff, 0x1f53d],
  [0x1f54b, 0x1f54e],
  [0x1f550, 0x1f567],
  [0x1f57a, 0x1f57a],
  [0x1f595, 0x1f596],
  [0x1f5a4, 0x1f5a4],
  [0x1f5fb, 0x1f64f],
  [0x1f680, 0x1f6c5],
  [0x1f6cc, 0x1f6cc],
  [0x1f6d0, 0x1f6d2],
  [0x1f6d5, 0x1f6d7],
  [0x1f6dc, 0x1f6df],
  [0x1f6eb, 0x1f6ec],
  [0x1f6f4, 0x1f6fc],
  [0x1f7e0, 0x1f7eb],
  [0x1f7f0, 0x1f7f0],
  [0x1f90c, 0x1f93a],
  [0x1f93c, 0x1f945],
  [0x1f947, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = WIDE[mid]!;
    if (cp < from) hi = mid - 1;
    else if (cp > to) lo = mid + 1;
    else return true;
  }
  return false;
}

/** go-runewidth `RuneWidth` for a non-East-Asian locale. */
export function runeWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0xad) return 0;
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  return isWide(cp) ? 2 : 1;
}

/**
 * Walks `s`, calling `visit` for every code point outside an escape sequence (go-pretty skips CSI
 * sequences `ESC [ ... m` and OSC 8 hyperlinks `ESC ] 8 ... \`).
 */
function forEachVisible(s: string, visit: (cp: number) => void): void {
  let inCsi = false;
  let inOsc = false;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const size = cp > 0xffff ? 2 : 1;
    if (!inCsi && !inOsc && cp === 0x1b) {
      if (s.startsWith(`${ESC}]8`, i)) inOsc = true;
      else inCsi = true;
    } else if (inCsi) {
      if (cp === 0x6d /* m */) inCsi = false;
    } else if (inOsc) {
      if (cp === 0x5c /* \ */) inOsc = false;
    } else {
      visit(cp);
    }
    i += size;
  }
}

/** go-pretty `RuneWidthWithoutEscSequences`: display width ignoring escape sequences. */
export function displayWidth(s: string): number {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) return s.length; // the common, printable-ASCII case
  let w = 0;
  forEachVisible(s, (cp) => {
    w += runeWidth(cp);
  });
  return w;
}

/** go-pretty `LongestLineLen`: the display width of the widest `\n`-separated line. */
export function longestLineWidth(s: string): number {
  let max = 0;
  for (const line of s.split('\n')) max = Math.max(max, displayWidth(line));
  return max;
}

/** Go's `utf8.RuneCountInString` (a lone surrogate counts as one rune, as U+FFFD would). */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Alignment

function trimRightSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return s.slice(0, end);
}

function trimLeftSpaces(s: string): string {
  let start = 0;
  while (start < s.length && s.charCodeAt(start) === 0x20) start++;
  return s.slice(start);
}

/** go-pretty `AlignLeft.Apply`: trailing ASCII spaces are trimmed, then padded to the width. */
export function alignLeft(s: string, width: number): string {
  const t = trimRightSpaces(s);
  const pad = width - displayWidth(t);
  return pad > 0 ? t + ' '.repeat(pad) : t;
}

/** go-pretty `AlignRight.Apply`: leading ASCII spaces are trimmed, then padded on the left. */
export function alignRight(s: string, width: number): string {
  const t = trimLeftSpaces(s);
  const pad = width - displayWidth(t);
  return pad > 0 ? ' '.repeat(pad) + t : t;
}

// ---------------------------------------------------------------------------------------------
// Escape-sequence tracking and wrapping

/**
 * go-pretty's escape-sequence parser: tracks which SGR codes are open so a wrapped line can
 * re-open them on the next line. `sequence()` is the combined open sequence (codes sorted).
 */
class EscSeqParser {
  private readonly codes = new Set<number>();
  private inSeq = false;
  private kind: '' | 'csi' | 'osi' = '';
  private seq = '';

  parseString(s: string): string {
    this.seq = '';
    this.inSeq = false;
    this.kind = '';
    for (const ch of s) this.consume(ch);
    return this.sequence();
  }

  private consume(ch: string): void {
    if (!this.inSeq && ch === ESC) {
      this.inSeq = true;
      this.kind = '';
      this.seq = '';
    } else if (this.inSeq && this.kind === '') {
      if (ch === '[') this.kind = 'csi';
      else if (ch === ']') this.kind = 'osi';
    }
    if (!this.inSeq) return;
    this.seq += ch;
    if (this.seq.startsWith(`${ESC}]8;`)) {
      if (ch === '\x07' || this.seq.endsWith(`${ESC}\\`)) this.finish();
    } else if ((this.kind === 'csi' && ch === 'm') || (this.kind === 'osi' && ch === '\\')) {
      this.finish();
    }
  }

  private finish(): void {
    let body = this.seq;
    if (this.kind === 'osi') body = body.replace(`${ESC}]`, '').replace('\\', '');
    else body = body.replace(`${ESC}[`, '').replace('m', '');
    const parts = body.split(';').map((p) => p.trim());
    const used = new Set<number>();
    for (let i = 0; i + 2 < parts.length; i++) {
      const base = parts[i] === '38' ? 1000 : parts[i] === '48' ? 2000 : 0;
      const index = Number(parts[i + 2]);
      if (base && parts[i + 1] === '5' && /^\d+$/.test(parts[i + 2]!) && index <= 255) {
        for (let c = base; c <= base + 255; c++) this.codes.delete(c);
        this.clearRange(base === 1000);
        this.codes.add(base + index);
        used
          .add(i)
          .add(i + 1)
          .add(i + 2);
        i += 2;
      }
    }
    parts.forEach((p, i) => {
      if (used.has(i) || !/^[+-]?\d+$/.test(p)) return;
      this.process(Number(p));
    });
    this.inSeq = false;
    this.kind = '';
    this.seq = '';
  }

  private clearRange(foreground: boolean): void {
    const [a, b] = foreground ? [30, 90] : [40, 100];
    for (let c = 0; c < 8; c++) {
      this.codes.delete(a + c);
      this.codes.delete(b + c);
    }
  }

  private process(code: number): void {
    switch (code) {
      case 0:
        this.codes.clear();
        return;
      case 22:
        this.codes.delete(1);
        this.codes.delete(2);
        return;
      case 23:
        this.codes.delete(3);
        return;
      case 24:
        this.codes.delete(4);
        return;
      case 25:
        this.codes.delete(5);
        this.codes.delete(6);
        return;
      case 27:
        this.codes.delete(7);
        return;
      case 29:
        this.codes.delete(9);
        return;
      case 39:
        this.clearRange(true);
        for (let c = 1000; c <= 1255; c++) this.codes.delete(c);
        return;
      case 49:
        this.clearRange(false);
        for (let c = 2000; c <= 2255; c++) this.codes.delete(c);
        return;
    }
    if (code < 1000 || code > 2255) this.codes.add(code);
  }

  private sequence(): string {
    if (this.codes.size === 0) return '';
    const parts = [...this.codes]
      .sort((a, b) => a - b)
      .map((c) =>
        c >= 2000 && c <= 2255 ? `48;5;${c - 2000}` : c >= 1000 && c <= 1255 ? `38;5;${c - 1000}` : String(c),
      );
    return `${ESC}[${parts.join(';')}m`;
  }
}

class Builder {
  s = '';
}

function appendChar(
  ch: string,
  wrapLen: number,
  st: { lineLen: number },
  inEsc: boolean,
  last: string,
  out: Builder,
) {
  if ((st.lineLen === wrapLen && !inEsc && ch !== '\n') || ch === '\n') {
    out.s += last !== '' ? `${ESCAPE_RESET}\n${last}` : '\n';
    st.lineLen = 0;
  }
  if (ch !== '\n') {
    out.s += ch;
    if (!inEsc) st.lineLen++;
  }
}

function appendWord(word: string, st: { lineLen: number }, lastSeen: string, wrapLen: number, out: Builder) {
  let inEsc = false;
  let last = lastSeen;
  for (const ch of word) {
    if (ch === ESC) {
      inEsc = true;
      last = '';
    }
    if (inEsc) last += ch;
    appendChar(ch, wrapLen, st, inEsc, last, out);
    if (inEsc && ch === 'm') inEsc = false;
    if (last === ESCAPE_RESET) last = '';
  }
}

function wrapHard(paragraph: string, wrapLen: number, out: Builder): void {
  const esp = new EscSeqParser();
  const st = { lineLen: 0 };
  let lastSeen = '';
  const words = strings.fields(paragraph);
  words.forEach((word, idx) => {
    const open = esp.parseString(word);
    if (open !== '') lastSeen = open;
    if (st.lineLen > 0) {
      out.s += ' ';
      st.lineLen++;
    }
    const wordLen = displayWidth(word);
    if (st.lineLen + wordLen <= wrapLen) {
      out.s += word;
      st.lineLen += wordLen;
    } else {
      appendWord(word, st, lastSeen, wrapLen, out);
    }
    if (st.lineLen === wrapLen && idx < words.length - 1) {
      // terminateLine
      if (st.lineLen < wrapLen) out.s += ' '.repeat(wrapLen - st.lineLen);
      if (lastSeen !== '') out.s += ESCAPE_RESET;
      out.s += `\n${lastSeen}`;
      st.lineLen = 0;
    }
  });
  // terminateOutput
  if (lastSeen !== '' && lastSeen !== ESCAPE_RESET && !out.s.endsWith(ESCAPE_RESET)) out.s += ESCAPE_RESET;
}

/**
 * go-pretty `text.WrapText`: tabs become four spaces; if the text (counting runes, escape codes
 * included) fits it is returned as is; otherwise every line is hard-wrapped word by word. Note the
 * hard wrap rebuilds lines from `strings.Fields`, so runs of spaces collapse to one (NFD's long
 * titles show `- OK` where short ones show `-  OK`).
 */
export function wrapText(s: string, wrapLen: number): string {
  if (wrapLen <= 0) return '';
  const str = s.includes('\t') ? s.split('\t').join('    ') : s;
  if (runeCount(str) <= wrapLen) return str;
  const out = new Builder();
  str.split('\n').forEach((line, idx) => {
    if (idx > 0) out.s += '\n';
    wrapHard(line, wrapLen, out);
  });
  return out.s;
}
