/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1), written like oras-go's tokenizer: a scheme, then
 * comma-separated `key=token` or `key="quoted string"` parameters with optional spaces. Only the first
 * challenge is used, as oras-go and docker do; parameter names are case-insensitive.
 */

export interface Challenge {
  /** Lower-cased scheme: `basic`, `bearer`, or whatever the server sent. */
  scheme: string;
  params: Record<string, string>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

export function parseChallenge(header: string | null | undefined): Challenge | undefined {
  if (!header) return undefined;
  const s = header;
  let i = 0;
  const skipSpaces = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  skipSpaces();
  const scheme = token().toLowerCase();
  if (!scheme) return undefined;
  const params: Record<string, string> = {};
  skipSpaces();
  while (i < s.length) {
    const key = token().toLowerCase();
    if (!key) break;
    skipSpaces();
    if (s[i] !== '=') break;
    i++;
    skipSpaces();
    let value: string;
    if (s[i] === '"') {
      i++;
      value = '';
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        value += s[i];
        i++;
      }
      if (s[i] !== '"') break; // unterminated quoted string: drop the parameter
      i++;
    } else {
      value = token();
    }
    params[key] = value;
    skipSpaces();
    if (s[i] === ',') {
      i++;
      skipSpaces();
      continue;
    }
    break;
  }
  return { scheme, params };
}
