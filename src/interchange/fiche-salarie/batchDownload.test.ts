// Download of the exported batches: one file as written, several in one zip (fflate).
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { downloadOf } from "./batchDownload.js";

const batch = (name: string, lines: number) => ({
  name,
  data: Buffer.from(JSON.stringify({ lignesTelechargement: Array.from({ length: lines }, (_, i) => ({ numLigne: i + 1 })) })),
});

describe("downloadOf", () => {
  it("sends a single batch as the JSON file the CLI writes", () => {
    const d = downloadOf([batch("RIAE_FS_20220315102030.json", 2)]);
    expect(d.fileName).toBe("RIAE_FS_20220315102030.json");
    expect(d.contentType).toContain("application/json");
    expect(JSON.parse(d.body.toString()).lignesTelechargement).toHaveLength(2);
  });

  it("zips several batches, each intact under its own name", () => {
    const files = [batch("RIAE_FS_20220315102030.json", 700), batch("RIAE_FS_20220315102031.json", 3)];
    const d = downloadOf(files);
    expect(d.fileName).toBe("RIAE_FS_20220315102030_2-lots.zip");
    expect(d.contentType).toBe("application/zip");
    const unzipped = unzipSync(new Uint8Array(d.body));
    expect(Object.keys(unzipped).sort()).toEqual(files.map((f) => f.name));
    expect(Buffer.from(unzipped["RIAE_FS_20220315102031.json"] ?? []).equals(files[1]?.data ?? Buffer.alloc(0))).toBe(true);
  });

  it("refuses an empty list (the route answers 409 before)", () => {
    expect(() => downloadOf([])).toThrow(/aucun lot/);
  });
});
