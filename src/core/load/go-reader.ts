/**
 * Bytes to text the way goyaml.v2's reader does (go.yaml.in/yaml/v2 readerc.go
 * `yaml_parser_determine_encoding` and `yaml_parser_update_buffer`): a byte order mark selects UTF-16LE,
 * UTF-16BE or UTF-8 (default UTF-8); invalid UTF-8 and control characters are errors with Go's words and
 * the byte offset. NFD reads specs through sigs.k8s.io/yaml, which uses this reader.
 */

export type ReadText = { text: string } | { problem: string; offset: number };

/** #x9 | #xA | #xD | [#x20-#x7E] | #x85 | [#xA0-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] */
function allowed(c: number): boolean {
  return (
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

function checkUtf8(b: Uint8Array, start: number): { problem: string; offset: number } | undefined {
  let i = start;
  while (i < b.length) {
    const o = b[i]!;
    const width =
      (o & 0x80) === 0 ? 1 : (o & 0xe0) === 0xc0 ? 2 : (o & 0xf0) === 0xe0 ? 3 : (o & 0xf8) === 0xf0 ? 4 : 0;
    if (width === 0) return { problem: 'invalid leading UTF-8 octet', offset: i };
    if (i + width > b.length) return { problem: 'incomplete UTF-8 octet sequence', offset: i };
    let value = width === 1 ? o & 0x7f : width === 2 ? o & 0x1f : width === 3 ? o & 0x0f : o & 0x07;
    for (let k = 1; k < width; k++) {
      const t = b[i + k]!;
      if ((t & 0xc0) !== 0x80) return { problem: 'invalid trailing UTF-8 octet', offset: i + k };
      value = (value << 6) + (t & 0x3f);
    }
    const shortest =
      width === 1 ||
      (width === 2 && value >= 0x80) ||
      (width === 3 && value >= 0x800) ||
      (width === 4 && value >= 0x10000);
    if (!shortest) return { problem: 'invalid length of a UTF-8 sequence', offset: i };
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff)
      return { problem: 'invalid Unicode character', offset: i };
    if (!allowed(value)) return { problem: 'control characters are not allowed', offset: i };
    i += width;
  }
  return undefined;
}

export function readGoYamlText(bytes: Uint8Array): ReadText {
  const le = bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe;
  const be = bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff;
  if (le || be) {
    if (bytes.length % 2 !== 0) return { problem: 'incomplete UTF-16 character', offset: bytes.length - 1 };
    // The BOM is dropped as Go drops it; unpaired surrogates are Go's "unexpected low/high surrogate".
    const text = new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2));
    for (let i = 0; i < text.length; i++) {
      const c = text.codePointAt(i)!;
      if (c > 0xffff) i++;
      else if (c >= 0xd800 && c <= 0xdfff) return { problem: 'invalid UTF-16 surrogate', offset: 2 + 2 * i };
      if (!allowed(c)) return { problem: 'control characters are not allowed', offset: 2 + 2 * i };
    }
    return { text };
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const bad = checkUtf8(bytes, bom ? 3 : 0);
  if (bad) return bad;
  return { text: new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes) };
}
