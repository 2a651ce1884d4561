export const TEMPLATE_DB = "passerelle_test_template";

/** Same server URL, another database name. */
export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
