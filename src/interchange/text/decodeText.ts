// Bytes → text for files produced by the ASP and by spreadsheet software:
// UTF-8 (with or without BOM) or, when the bytes are not valid UTF-8, Windows-1252 (Excel "CSV").
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

export function decodeText(input: Uint8Array): DecodedText {
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
