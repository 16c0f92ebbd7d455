import { useEffect, useState } from 'preact/hooks';

/** Calls the console's own JSON API (`/console/api/...`). */
export const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
  const response = await fetch(`/console/api${path}`, init);
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const detail = (body as { detail?: string; title?: string } | undefined)?.detail ?? response.statusText;
    throw new Error(`${response.status}: ${detail}`);
  }
  return body as T;
};

export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly refresh: () => void;
}

/**
 * Reads `path` now and again every `intervalMs` while the page is visible: what the console shows
 * follows the running shop without a reload.
 */
export const usePoll = <T>(path: string, intervalMs = 1000): Polled<T> => {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      if (!document.hidden) {
        try {
          const next = await api<T>(path);
          if (!stopped) {
            setData(next);
            setError(undefined);
          }
        } catch (caught) {
          if (!stopped) setError(caught instanceof Error ? caught.message : String(caught));
        }
      }
      if (!stopped && intervalMs > 0) timer = setTimeout(load, intervalMs);
    };
    void load();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [path, intervalMs, tick]);
  return { data, error, refresh: () => setTick((t) => t + 1) };
};

export const money = (value: { amount: number; currency: string } | undefined): string =>
  value ? `${(value.amount / 100).toFixed(2)} ${value.currency}` : '';

export const since = (iso: string | number | undefined): string => {
  if (iso === undefined) return '';
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  return `${Math.floor(seconds / 3600)}h ago`;
};
