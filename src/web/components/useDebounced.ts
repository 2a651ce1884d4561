// The value as it was `ms` milliseconds after its last change: forms ask the API for a computed figure
// (aide au poste, simulation) once typing pauses, not at every key stroke.
import { useEffect, useState } from "react";

export function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}
