import type { ActivityType, InterpreterEvent, InterpreterHost } from "../../../src/workflows/interpreter";

export interface RecordedCall {
  nodeId: string;
  type: ActivityType;
  config: Record<string, unknown>;
  attempt: number;
}

export type Script = (call: RecordedCall) => unknown | Promise<unknown>;

/** A host whose activities answer from a script; records calls, sleeps and events. */
export function scriptedHost(script: Script) {
  const calls: RecordedCall[] = [];
  const sleeps: Array<{ ms: number; label: string }> = [];
  const events: InterpreterEvent[] = [];
  const host: InterpreterHost = {
    async activity(nodeId, type, config, attempt) {
      const call = { nodeId, type, config, attempt };
      calls.push(call);
      return script(call);
    },
    async sleep(ms, label) {
      sleeps.push({ ms, label });
    },
    emit(event) {
      events.push(event);
    },
  };
  return { host, calls, sleeps, events };
}
