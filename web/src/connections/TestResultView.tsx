import { describeTiming } from "./format";
import type { TestResult } from "./types";

export type TestState =
  | { state: "idle" }
  | { state: "running" }
  | { state: "done"; result: TestResult }
  | { state: "error"; message: string };

/** The outcome of a connection test. Render it inside an `aria-live` region. */
export function TestResultView({ test }: { test: TestState }) {
  if (test.state === "idle") return null;
  if (test.state === "running") return <p className="muted">Testing…</p>;
  if (test.state === "error")
    return (
      <p className="result result-error" data-testid="test-result">
        Could not test: {test.message}
      </p>
    );
  const { result } = test;
  return (
    <p className={`result ${result.success ? "result-ok" : "result-error"}`} data-testid="test-result">
      <strong>{result.success ? "Test passed" : "Test failed"}</strong>: {result.message}{" "}
      <span className="muted">({describeTiming(result)})</span>
    </p>
  );
}
