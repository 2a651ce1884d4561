// JSON client of the /api/v1 API: same-origin cookie session, CSRF header on every write,
// problem+json errors turned into ApiError with the server's French message.

const CSRF_KEY = "passerelle.csrf";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly { field: string; message: string }[] = [],
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

export function withQuery(path: string, query: Query = {}): string {
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
    ? b.errors.map((e: { field?: unknown; message?: unknown }) => ({
        field: String(e.field ?? ""),
        message: String(e.message ?? ""),
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

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>("PUT", path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>("PATCH", path, body ?? {}),
  delete: <T>(path: string) => request<T>("DELETE", path),
};

/** Paginated list envelope returned by every list route (src/server/lists). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
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
