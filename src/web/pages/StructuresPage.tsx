// List of the structures the user may see: filters (type, text), sort, pagination, export.
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";
import { listStructures } from "../../contracts/structures.js";
import { SIAE_KINDS, type SiaeKind } from "../../domain/structures/kinds.js";
import { call, hrefOf } from "../api/client.js";
import { ExportLinks, Pager, withParams } from "../components/Pager.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatDate } from "../format.js";

const PAGE_SIZE = 50;

export function StructuresPage() {
  const [params, setParams] = useSearchParams();
  const query = {
    kind: (params.get("kind") || undefined) as SiaeKind | undefined,
    q: params.get("q") ?? undefined,
    sort: params.get("sort") ?? "name",
    page: Number(params.get("page") ?? 1),
    pageSize: PAGE_SIZE,
  };
  const list = useQuery({
    queryKey: ["structures", query],
    queryFn: () => call(listStructures, { query }),
    placeholderData: keepPreviousData,
  });
  const sortHeader = (key: string, label: string) => {
    const active = query.sort.replace(/^-/, "") === key;
    const desc = query.sort === `-${key}`;
    return (
      <th scope="col" aria-sort={active ? (desc ? "descending" : "ascending") : "none"}>
        <Link to={`?${withParams(params, { sort: active && !desc ? `-${key}` : key })}`}>
          {label}
          {active ? (desc ? " ↓" : " ↑") : ""}
        </Link>
      </th>
    );
  };
  return (
    <>
      <h1>Structures</h1>
      <div className="filters fr-mb-3w">
        <Select
          label="Type de structure"
          nativeSelectProps={{ value: query.kind ?? "", onChange: (e) => setParams(withParams(params, { kind: e.target.value })) }}
        >
          <option value="">Tous</option>
          {SIAE_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </Select>
        <Input
          label="Rechercher (nom, SIRET, commune)"
          nativeInputProps={{
            defaultValue: query.q ?? "",
            type: "search",
            onKeyDown: (e) => {
              if (e.key === "Enter") setParams(withParams(params, { q: (e.target as HTMLInputElement).value }));
            },
            onBlur: (e) => setParams(withParams(params, { q: e.target.value })),
          }}
        />
      </div>
      {list.isPending && <Loading />}
      {list.isError && <ErrorState error={list.error} />}
      {list.data && list.data.items.length === 0 && <Empty>Aucune structure ne correspond à ces critères.</Empty>}
      {list.data && list.data.items.length > 0 && (
        <>
          <p>{list.data.total} structures</p>
          <div className="fr-table">
            <table>
              <caption>Structures</caption>
              <thead>
                <tr>
                  {sortHeader("name", "Nom")}
                  {sortHeader("kind", "Type")}
                  {sortHeader("siret", "SIRET")}
                  {sortHeader("commune", "Commune")}
                  {sortHeader("createdOn", "Création")}
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/structures/${s.id}`}>{s.name}</Link>
                    </td>
                    <td>{s.kind}</td>
                    <td>{s.siret ?? "—"}</td>
                    <td>{s.commune ?? "—"}</td>
                    <td>{formatDate(s.createdOn)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={list.data.total} pageSize={PAGE_SIZE} />
          <ExportLinks href={(format) => hrefOf(listStructures, { query: { ...query, format, page: 1 } })} />
        </>
      )}
    </>
  );
}
