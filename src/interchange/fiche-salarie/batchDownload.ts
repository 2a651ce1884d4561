// What a structure downloads of its sent batches: the synchronous export route and the fiches salarié job
// (src/jobs/fichesSalarieJob.ts) hand over the same file.
import { zipSync } from "fflate";

export interface Download {
  fileName: string;
  contentType: string;
  body: Buffer;
}

/** One batch is sent as written (RIAE_FS_….json); several go in one zip named after the first. */
export function downloadOf(files: readonly { name: string; data: Buffer }[]): Download {
  const only = files.length === 1 ? files[0] : undefined;
  if (only) return { fileName: only.name, contentType: "application/json; charset=utf-8", body: only.data };
  if (files.length === 0) throw new Error("aucun lot à télécharger");
  const zip = zipSync(Object.fromEntries(files.map((f) => [f.name, new Uint8Array(f.data)])));
  const first = files[0]?.name.replace(/\.json$/, "") ?? "RIAE_FS";
  return { fileName: `${first}_${files.length}-lots.zip`, contentType: "application/zip", body: Buffer.from(zip) };
}
