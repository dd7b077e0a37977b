/**
 * Lexer for Go text/template (a port of the state machine in Go's text/template/parse/lex.go, with
 * the default `{{` `}}` delimiters). Tokens carry UTF-16 positions; errors become an `error` token
 * followed by nothing, exactly where Go's lexer would emit itemError.
 */

import { formatRuneU } from '../go/fmt.ts';
import { quote } from '../go/strconv.ts';
import { isDigit, isLetter } from '../go/unicode.ts';

export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // keywords
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Item {
  t: ItemType;
  val: string;
  pos: number;
  line: number;
}

const KEYWORDS: Record<string, ItemType> = {
  '.': 'dot',
  block: 'block',
  break: 'break',
  continue: 'continue',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  range: 'range',
  nil: 'nil',
  template: 'template',
  with: 'with',
};

const LEFT = '{{';
const RIGHT = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** text/template's isAlphaNumeric: `_`, `unicode.IsLetter` or `unicode.IsDigit`. */
function isAlphaNumeric(c: string): boolean {
  if (c === '') return false;
  const r = c.codePointAt(0)!;
  return r === 0x5f || isLetter(r) || isDigit(r);
}

function isPrintAscii(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return code >= 0x20 && code < 0x7f;
}

function hasLeftTrimMarker(s: string, i: number): boolean {
  return s.length - i >= 2 && s[i] === '-' && isSpace(s[i + 1] ?? '');
}

function hasRightTrimMarker(s: string, i: number): boolean {
  return s.length - i >= 2 && isSpace(s[i] ?? '') && s[i + 1] === '-';
}

export function lex(input: string): Item[] {
  const items: Item[] = [];
  let start = 0;
  let pos = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let failed = false;

  const countLines = (a: number, b: number): number => {
    let n = 0;
    for (let i = a; i < b; i++) if (input.charCodeAt(i) === 10) n++;
    return n;
  };
  const emit = (t: ItemType): void => {
    items.push({ t, val: input.slice(start, pos), pos: start, line: startLine });
    line += countLines(start, pos);
    start = pos;
    startLine = line;
  };
  const emitVal = (t: ItemType, val: string): void => {
    items.push({ t, val, pos: start, line: startLine });
    line += countLines(start, pos);
    start = pos;
    startLine = line;
  };
  const ignore = (): void => {
    line += countLines(start, pos);
    start = pos;
    startLine = line;
  };
  const errorf = (msg: string): void => {
    items.push({ t: 'error', val: msg, pos: start, line: startLine });
    failed = true;
  };
  /** Reads the next code point; '' at end. */
  const next = (): string => {
    if (pos >= input.length) {
      pos = input.length + 1; // so that backup() from EOF is harmless
      return '';
    }
    const cp = input.codePointAt(pos) ?? 0;
    const c = String.fromCodePoint(cp);
    pos += c.length;
    return c;
  };
  let lastWidth = 0;
  const nextW = (): string => {
    const before = Math.min(pos, input.length);
    const c = next();
    lastWidth = c === '' ? pos - before : c.length;
    return c;
  };
  const backup = (): void => {
    pos -= lastWidth;
    if (pos > input.length) pos = input.length;
  };
  const peek = (): string => {
    if (pos >= input.length) return '';
    return String.fromCodePoint(input.codePointAt(pos) ?? 0);
  };
  const accept = (valid: string): boolean => {
    const c = nextW();
    if (c !== '' && valid.includes(c)) return true;
    backup();
    return false;
  };
  const acceptRun = (valid: string): void => {
    for (;;) {
      const c = nextW();
      if (c === '' || !valid.includes(c)) break;
    }
    backup();
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2))
      return { delim: true, trim: true };
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };
  const atTerminator = (): boolean => {
    const r = peek();
    if (r === '' || isSpace(r)) return true;
    if ('.,|:)('.includes(r)) return true;
    return input.startsWith(RIGHT, pos);
  };
  const leftTrimLength = (i: number): number => {
    let j = i;
    while (j < input.length && isSpace(input[j] ?? '')) j++;
    return j - i;
  };

  type State = (() => State) | null;

  const lexText = (): State => {
    const x = input.indexOf(LEFT, pos);
    if (x >= 0) {
      if (x > pos) {
        pos = x;
        let trimLen = 0;
        const delimEnd = pos + LEFT.length;
        if (hasLeftTrimMarker(input, delimEnd)) {
          let end = pos;
          while (end > start && isSpace(input[end - 1] ?? '')) end--;
          trimLen = pos - end;
        }
        pos -= trimLen;
        if (pos > start) emit('text');
        pos += trimLen;
        ignore();
      }
      return lexLeftDelim;
    }
    pos = input.length;
    if (pos > start) emit('text');
    emitVal('eof', '');
    return null;
  };

  const lexLeftDelim = (): State => {
    pos += LEFT.length;
    const trim = hasLeftTrimMarker(input, pos);
    const afterMarker = trim ? 2 : 0;
    if (input.startsWith(LEFT_COMMENT, pos + afterMarker)) {
      pos += afterMarker;
      ignore();
      return lexComment;
    }
    emit('leftDelim');
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    return lexInsideAction;
  };

  const lexComment = (): State => {
    pos += LEFT_COMMENT.length;
    const x = input.indexOf(RIGHT_COMMENT, pos);
    if (x < 0) {
      errorf('unclosed comment');
      return null;
    }
    pos = x + RIGHT_COMMENT.length;
    const { delim, trim } = atRightDelim();
    if (!delim) {
      errorf('comment ends before closing delimiter');
      return null;
    }
    if (trim) pos += 2;
    pos += RIGHT.length;
    if (trim) pos += leftTrimLength(pos);
    ignore();
    return lexText;
  };

  const lexRightDelim = (): State => {
    const { trim } = atRightDelim();
    if (trim) {
      pos += 2;
      ignore();
    }
    pos += RIGHT.length;
    emit('rightDelim');
    if (trim) {
      pos += leftTrimLength(pos);
      ignore();
    }
    return lexText;
  };

  const lexInsideAction = (): State => {
    const { delim } = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return lexRightDelim;
      errorf('unclosed left paren');
      return null;
    }
    const r = nextW();
    if (r === '') {
      errorf('unclosed action');
      return null;
    }
    if (isSpace(r)) {
      backup();
      return lexSpace;
    }
    switch (r) {
      case '=':
        emit('assign');
        return lexInsideAction;
      case ':':
        if (nextW() !== '=') {
          errorf('expected :=');
          return null;
        }
        emit('declare');
        return lexInsideAction;
      case '|':
        emit('pipe');
        return lexInsideAction;
      case '"':
        return lexQuote;
      case '`':
        return lexRawQuote;
      case '$':
        return lexVariable;
      case "'":
        return lexChar;
      case '.':
        if (pos < input.length) {
          const c = input[pos] ?? '';
          if (c < '0' || c > '9') return lexField;
        }
        backup();
        return lexNumber;
      case '(':
        emit('leftParen');
        parenDepth++;
        return lexInsideAction;
      case ')':
        emit('rightParen');
        parenDepth--;
        if (parenDepth < 0) {
          errorf('unexpected right paren');
          return null;
        }
        return lexInsideAction;
    }
    if (r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      backup();
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      backup();
      return lexIdentifier;
    }
    if (isPrintAscii(r)) {
      emit('char');
      return lexInsideAction;
    }
    errorf(`unrecognized character in action: ${formatRuneU(r.codePointAt(0)!)}`);
    return null;
  };

  const lexSpace = (): State => {
    let numSpaces = 0;
    while (isSpace(peek())) {
      nextW();
      numSpaces++;
    }
    // A trim-marked closing delimiter starts with a space: leave it to lexRightDelim.
    if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos - 1 + 2)) {
      pos -= 1;
      if (numSpaces === 1) return lexInsideAction;
    }
    emit('space');
    return lexInsideAction;
  };

  const lexIdentifier = (): State => {
    for (;;) {
      const r = nextW();
      if (isAlphaNumeric(r)) continue;
      backup();
      const word = input.slice(start, pos);
      if (!atTerminator()) {
        errorf(`bad character ${formatRuneU(r.codePointAt(0)!)}`);
        return null;
      }
      const kw = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
      if (kw !== undefined && kw !== 'dot') emit(kw);
      else if (word.startsWith('.')) emit('field');
      else if (word === 'true' || word === 'false') emit('bool');
      else emit('identifier');
      return lexInsideAction;
    }
  };

  const lexFieldOrVariable = (typ: 'field' | 'variable'): State => {
    if (atTerminator()) {
      emit(typ === 'variable' ? 'variable' : 'dot');
      return lexInsideAction;
    }
    let r: string;
    for (;;) {
      r = nextW();
      if (!isAlphaNumeric(r)) {
        backup();
        break;
      }
    }
    if (!atTerminator()) {
      errorf(`bad character ${formatRuneU(r.codePointAt(0)!)}`);
      return null;
    }
    emit(typ);
    return lexInsideAction;
  };
  const lexField = (): State => lexFieldOrVariable('field');
  const lexVariable = (): State => {
    if (atTerminator()) {
      emit('variable');
      return lexInsideAction;
    }
    return lexFieldOrVariable('variable');
  };

  const lexChar = (): State => {
    for (;;) {
      const r = nextW();
      if (r === '\\') {
        const r2 = nextW();
        if (r2 !== '' && r2 !== '\n') continue;
        errorf('unterminated character constant');
        return null;
      }
      if (r === '' || r === '\n') {
        errorf('unterminated character constant');
        return null;
      }
      if (r === "'") break;
    }
    emit('charConstant');
    return lexInsideAction;
  };

  const lexQuote = (): State => {
    for (;;) {
      const r = nextW();
      if (r === '\\') {
        const r2 = nextW();
        if (r2 !== '' && r2 !== '\n') continue;
        errorf('unterminated quoted string');
        return null;
      }
      if (r === '' || r === '\n') {
        errorf('unterminated quoted string');
        return null;
      }
      if (r === '"') break;
    }
    emit('string');
    return lexInsideAction;
  };

  const lexRawQuote = (): State => {
    const x = input.indexOf('`', pos);
    if (x < 0) {
      errorf('unterminated raw quoted string');
      return null;
    }
    pos = x + 1;
    emit('rawString');
    return lexInsideAction;
  };

  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      nextW();
      return false;
    }
    return true;
  };

  const lexNumber = (): State => {
    if (!scanNumber()) {
      errorf(`bad number syntax: ${quote(input.slice(start, pos))}`);
      return null;
    }
    const sign = peek();
    if (sign === '+' || sign === '-') {
      if (!scanNumber() || input[pos - 1] !== 'i') {
        errorf(`bad number syntax: ${quote(input.slice(start, pos))}`);
        return null;
      }
      emit('complex');
    } else {
      emit('number');
    }
    return lexInsideAction;
  };

  let state: State = lexText;
  while (state !== null && !failed) state = state();
  return items;
}
