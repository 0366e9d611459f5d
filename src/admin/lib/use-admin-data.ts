import { useCallback, useEffect, useRef, useState } from "react"
import { adminFetch } from "./api"

export interface AdminData<T> {
  data: T | undefined
  error: string | undefined
  loading: boolean
  reload: () => void
}

/** Loads one admin route; `reload` fetches again (after a retry, or when Dintero was unreachable). */
export function useAdminData<T>(path: string | null): AdminData<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<string>()
  const [loading, setLoading] = useState(Boolean(path))
  const [round, setRound] = useState(0)
  const latest = useRef(0)

  useEffect(() => {
    if (!path) return
    const mine = ++latest.current
    setLoading(true)
    adminFetch<T>(path)
      .then((d) => {
        if (mine !== latest.current) return
        setData(d)
        setError(undefined)
      })
      .catch((e: Error) => mine === latest.current && setError(e.message))
      .finally(() => mine === latest.current && setLoading(false))
  }, [path, round])

  const reload = useCallback(() => setRound((r) => r + 1), [])
  return { data, error, loading, reload }
}
