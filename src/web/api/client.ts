// JSON client of the /api/v1 API: same-origin cookie session, CSRF header on every write,
// problem+json errors turned into ApiError with the server's French message. Requests are typed by the
// route contracts the server registers (src/contracts): `call(contract, { params, query, body })`.
import { type AnyContract, pathOf, type RequestOf, type ResponseOf } from "../../contracts/contract.js";
export type { Page } from "../../contracts/common.js";

const CSRF_KEY = "passerelle.csrf";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    /** Per field; per line too for a file (file, line: header = 1). */
    readonly errors: readonly { field: string; message: string; file?: string; line?: number }[] = [],
  ) {
    super(detail || title);
    this.name = "ApiError";
  }
}

export function setCsrfToken(token: string | null): void {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

export function csrfToken(): string | null {
  return sessionStorage.getItem(CSRF_KEY);
}

type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes("?") ? "&" : "?"}${qs}` : path;
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const b = (body ?? {}) as { title?: unknown; detail?: unknown; errors?: unknown };
  const errors = Array.isArray(b.errors)
    ? b.errors.map((e: { field?: unknown; message?: unknown; file?: unknown; line?: unknown }) => ({
        field: String(e.field ?? ""),
        message: String(e.message ?? ""),
        ...(typeof e.file === "string" ? { file: e.file } : {}),
        ...(typeof e.line === "number" ? { line: e.line } : {}),
      }))
    : [];
  return new ApiError(
    response.status,
    typeof b.title === "string" ? b.title : `Erreur ${response.status}`,
    typeof b.detail === "string" ? b.detail : "La requête a échoué.",
    errors,
  );
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const isWrite = method !== "GET" && method !== "HEAD";
  const token = csrfToken();
  if (isWrite && token) headers["x-csrf-token"] = token;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** What a contract's request carries: path parameters, query keys (only those it declares), body. */
export type CallInput<C extends AnyContract> = {
  params?: RequestOf<C>["params"];
  query?: RequestOf<C>["query"];
  body?: RequestOf<C>["body"];
};

/** The URL of a contract's request (also for download links). */
export function hrefOf<C extends AnyContract>(contract: C, input: Omit<CallInput<C>, "body"> = {}): string {
  return withQuery(pathOf(contract, input.params as Record<string, unknown>), input.query as Query | undefined);
}

/** Calls the route of a contract; the answer has the type of its 200 (or 201, 202) response. */
export function call<C extends AnyContract, S extends 200 | 201 | 202 = 200>(
  contract: C,
  input: CallInput<C> = {},
): Promise<ResponseOf<C, S>> {
  const body = contract.method === "GET" || contract.method === "DELETE" ? undefined : (input.body ?? {});
  return request<ResponseOf<C, S>>(contract.method, hrefOf(contract, input), body);
}

/**
 * Multipart upload of one file (field « file ») with upload progress — fetch cannot report it, so this
 * goes through XMLHttpRequest; same CSRF header and problem+json errors as `request`.
 */
export function uploadFile<T>(path: string, file: File, onProgress?: (sent: number, total: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("accept", "application/json");
    const token = csrfToken();
    if (token) xhr.setRequestHeader("x-csrf-token", token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded, event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, "Envoi impossible", "Le fichier n'a pas pu être envoyé (connexion interrompue ?)."));
    xhr.onload = () => {
      const response = new Response(xhr.responseText || null, {
        status: xhr.status,
        headers: { "content-type": xhr.getResponseHeader("content-type") ?? "application/json" },
      });
      if (!response.ok) {
        void toApiError(response).then(reject, reject);
        return;
      }
      response.json().then((body) => resolve(body as T), reject);
    };
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
