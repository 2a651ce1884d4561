// Files attached to a record and stored in the database (financing requests, contrôle a posteriori proofs):
// the type is read from the content's first bytes (never from the name or the browser's claim), the size is
// limited, and the SHA-256 is kept to show which file was received.
import { createHash } from "node:crypto";
import { z } from "zod";
import { OperationInputError } from "./types.js";

/** Largest file accepted (5 MiB, also a CHECK of the tables that store them). */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export type AttachmentType = "application/pdf" | "image/png" | "image/jpeg";

const MAGIC: Record<AttachmentType, Buffer> = {
  "application/pdf": Buffer.from("%PDF-", "latin1"),
  "image/png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  "image/jpeg": Buffer.from([0xff, 0xd8, 0xff]),
};

const LABEL: Record<AttachmentType, string> = { "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG" };

export const attachmentFileName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^/\\\0]+$/, "nom de fichier invalide");

export interface CheckedAttachment {
  bytes: Buffer;
  contentType: AttachmentType;
  sha256: string;
}

/** The file's type among `accepted` (by its magic bytes), or a field error on `content` naming what is accepted. */
export function checkAttachment(content: Uint8Array, accepted: readonly AttachmentType[]): CheckedAttachment {
  const bytes = Buffer.from(content);
  if (bytes.length === 0) throw new OperationInputError([{ field: "content", reason: "fichier vide" }]);
  if (bytes.length > MAX_ATTACHMENT_BYTES)
    throw new OperationInputError([{ field: "content", reason: "fichier trop lourd (5 Mo au plus)" }]);
  const contentType = accepted.find((t) => bytes.subarray(0, MAGIC[t].length).equals(MAGIC[t]));
  if (contentType === undefined) {
    const names = accepted.map((t) => LABEL[t]);
    const list = names.length === 1 ? `seuls les fichiers ${names[0]} sont acceptés` : `fichiers acceptés : ${names.join(", ")}`;
    throw new OperationInputError([{ field: "content", reason: list }]);
  }
  return { bytes, contentType, sha256: createHash("sha256").update(bytes).digest("hex") };
}
