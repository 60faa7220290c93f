import { absoluteTime, relativeTime } from "./format";

/** A timestamp shown as relative time, with the exact date on hover and for machines. */
export function Time({ ms, never = "Never" }: { ms: number | null; never?: string }) {
  if (ms === null) return <>{never}</>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={absoluteTime(ms)}>
      {relativeTime(ms)}
    </time>
  );
}
