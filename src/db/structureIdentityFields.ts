// The columns that describe a structure's identity and address, as the ASP's lists and FluxIAE give them:
// written by the ASP list import, copied from a sibling structure by the FluxIAE structure resolver.
export const STRUCTURE_IDENTITY_FIELDS = [
  "name",
  "legal_form",
  "naf_code",
  "address_line",
  "postal_code",
  "commune_code",
  "commune_name",
  "departement_code",
  "departement_asp_code",
  "phone",
  "email",
] as const;
export type StructureIdentityField = (typeof STRUCTURE_IDENTITY_FIELDS)[number];
