import { type FormEvent, useId, useState } from "react";
import { describeError } from "../connections/format";
import { callMcpTool } from "./api";
import type { McpCallResult, McpTool } from "./types";

/** A starting point for the arguments: every required property with an empty value of its type. */
export function exampleArguments(tool: McpTool): string {
  const schema = tool.input_schema as { properties?: Record<string, { type?: string }>; required?: string[] };
  const example: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    const type = schema.properties?.[name]?.type;
    example[name] =
      type === "number" || type === "integer"
        ? 0
        : type === "boolean"
          ? false
          : type === "object"
            ? {}
            : type === "array"
              ? []
              : "";
  }
  return JSON.stringify(example, null, 2);
}

/** Calls one tool of a saved connection with JSON arguments and shows what it returned. */
export function McpToolCall({
  connectionId,
  tool,
  onClose,
}: {
  connectionId: string;
  tool: McpTool;
  onClose: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(() => exampleArguments(tool));
  const [result, setResult] = useState<McpCallResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const run = async (event: FormEvent) => {
    event.preventDefault();
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(text || "{}") as Record<string, unknown>;
    } catch {
      setError("The arguments are not valid JSON.");
      return;
    }
    setRunning(true);
    setError(null);
    const body = await callMcpTool(connectionId, tool.name, args);
    setRunning(false);
    if (body.success) setResult(body.data);
    else {
      setResult(null);
      const issues = (body.error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
      setError(
        issues?.length
          ? `${describeError(body.error)}: ${issues.map((i) => `${i.path || "(arguments)"} ${i.message}`).join("; ")}`
          : describeError(body.error),
      );
    }
  };

  return (
    <form className="connection-form" onSubmit={run} data-testid="mcp-call">
      <div className="field">
        <label htmlFor={`${id}-args`}>Arguments for {tool.name} (JSON)</label>
        <textarea
          id={`${id}-args`}
          rows={6}
          value={text}
          onChange={(event) => setText(event.target.value)}
          spellCheck={false}
        />
      </div>
      {error ? (
        <div role="alert" className="form-error">
          {error}
        </div>
      ) : null}
      {result ? <CallResult result={result} /> : null}
      <p className="actions">
        <button type="submit" disabled={running}>
          {running ? "Calling…" : "Call tool"}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </p>
    </form>
  );
}

function CallResult({ result }: { result: McpCallResult }) {
  return (
    <section
      className={result.is_error ? "result result-error" : "result result-ok"}
      aria-live="polite"
      data-testid="mcp-call-result"
    >
      <p>{result.is_error ? "The tool reported an error:" : "Result:"}</p>
      {result.content.map((block, index) => {
        const key = `${block.type}-${index}`;
        if (block.type === "text") return <pre key={key}>{String(block.text)}</pre>;
        if (block.type === "image")
          return (
            <img key={key} alt="Tool result" src={`data:${String(block.mimeType)};base64,${String(block.data)}`} />
          );
        return <pre key={key}>{JSON.stringify(block, null, 2)}</pre>;
      })}
      {result.structured_content ? (
        <details open>
          <summary>Structured content</summary>
          <pre>{JSON.stringify(result.structured_content, null, 2)}</pre>
        </details>
      ) : null}
    </section>
  );
}
