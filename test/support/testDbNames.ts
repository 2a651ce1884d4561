// Database names of one test run on the shared PostgreSQL server. Every name carries the run's id so
// that two runs at once (two developers, or CI beside a session) never drop each other's databases.
export const testRunId = (): string => {
  const id = process.env.PASSERELLE_TEST_RUN;
  if (!id) throw new Error("PASSERELLE_TEST_RUN is set by the db project's global setup");
  return id;
};

export const templateDbName = (): string => `passerelle_test_template_${testRunId()}`;

/** Prefix of this run's per-file databases (LIKE pattern without the %). */
export const testDbPrefix = (): string => `passerelle_t_${testRunId()}_`;

/** Same server URL, another database name. */
export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
