// Record builders for the indicator twin's tests: one current ACI AF of 2024, to be varied field by field.
import type { AfRecord } from "./records.js";

export const afRecord = (o: Partial<AfRecord>): AfRecord => ({
  id: "af1",
  structureId: "s1",
  kind: "ACI",
  mesure: "ACI_DC",
  prefix: "ACI062240001",
  renewal: 0,
  modification: 0,
  state: "VALIDE",
  startDate: "2024-01-01",
  endDate: "2024-12-31",
  etp: "12",
  total: "287052.00",
  cofinancedAmount: "27052.00",
  hoursPerEtp: "1820",
  ...o,
});
