// Bytes → text for files produced by the ASP and by spreadsheet software:
// UTF-8 (with or without BOM) or, when the bytes are not valid UTF-8, Windows-1252 (Excel "CSV").
// UTF-16 ("Unicode text" in spreadsheet software) is recognised and refused by name: read as UTF-8 it would
// give NUL bytes between every character.
import iconv from "iconv-lite";

export type TextEncodingName = "utf-8" | "utf-8-bom" | "windows-1252";

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

const BOM = [0xef, 0xbb, 0xbf];

export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
}

/**
 * UTF-16 by its byte-order mark, or by NUL bytes on every other position of the first bytes (text in
 * UTF-16 without a mark: each ASCII character is followed or preceded by a 0 byte).
 */
export function looksLikeUtf16(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 8) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  return Math.max(evenNul, oddNul) >= (n / 2) * 0.6;
}

export const UTF16_REASON =
  "fichier encodé en UTF-16 : enregistrez-le en UTF-8 (ou Windows-1252, « CSV » d'Excel), les encodages lus par Passerelle";

export class UnsupportedEncodingError extends Error {
  constructor() {
    super(UTF16_REASON);
    this.name = "UnsupportedEncodingError";
  }
}

export function decodeText(input: Uint8Array): DecodedText {
  if (looksLikeUtf16(input)) throw new UnsupportedEncodingError();
  let bytes = input;
  if (hasUtf8Bom(bytes)) {
    try {
      return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(3)), encoding: "utf-8-bom" };
    } catch {
      // A BOM followed by Windows-1252 bytes (seen with hand-edited files): read the rest as Windows-1252.
      bytes = bytes.subarray(3);
    }
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "win1252"), encoding: "windows-1252" };
  }
}
