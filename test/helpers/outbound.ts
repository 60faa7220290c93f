import { vi } from "vitest";

type Handler = (request: Request) => Response | Promise<Response>;

/**
 * Routes the Worker's outbound `fetch` by hostname to in-test fakes of the outside world; any other
 * host fails like an unreachable network. Returns the list of requests each host received.
 */
export function interceptOutbound(hosts: Record<string, Handler>) {
  const seen: Request[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const handler = hosts[new URL(request.url).host];
    if (!handler) throw new TypeError(`fetch failed: no route to ${new URL(request.url).host}`);
    seen.push(request.clone());
    if (init?.signal?.aborted) throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const response = await Promise.race([
      handler(request),
      new Promise<never>((_, reject) =>
        init?.signal?.addEventListener("abort", () =>
          reject(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
        ),
      ),
    ]);
    return response;
  });
  return seen;
}
