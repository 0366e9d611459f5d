/**
 * Calls the plugin's admin routes from the dashboard. The dashboard is served by the same Medusa backend and
 * authenticates with its session cookie, so a same-origin fetch with credentials is enough (no token handling here).
 */
export class AdminRequestError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message)
    this.name = "AdminRequestError"
  }
}

export async function adminFetch<T>(path: string, init: { method?: "GET" | "POST"; body?: unknown } = {}): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      credentials: "include",
      headers: { accept: "application/json", ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    })
  } catch {
    throw new AdminRequestError("The Medusa server could not be reached.", 0)
  }
  const text = await res.text()
  let json: any = undefined
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    // not JSON: fall through with the status
  }
  if (!res.ok) {
    const message = (json && typeof json.message === "string" && json.message) || `Request failed with HTTP ${res.status}`
    throw new AdminRequestError(message, res.status)
  }
  return json as T
}
