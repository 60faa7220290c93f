import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState, TimeoutFailure } from "@temporalio/common";
import { describe, expect, it } from "vitest";
import { toNodeFailure } from "../src/failures";

const activityFailure = (cause: Error) =>
  new ActivityFailure("Activity task failed", "runNodeActivity", "1", RetryState.MAXIMUM_ATTEMPTS_REACHED, "w", cause);

describe("node failures carried back through Temporal", () => {
  it("keeps the edge's code, message, verdict and Retry-After", () => {
    const cause = ApplicationFailure.create({
      type: "upstream_error",
      message: "Upstream answered 503",
      nonRetryable: false,
      details: [{ status: 503, retryAfterMs: 2000 }],
    });
    expect(toNodeFailure(activityFailure(cause))).toEqual({
      code: "upstream_error",
      message: "Upstream answered 503",
      retryable: true,
      retryAfterMs: 2000,
    });
  });

  it("keeps a final verdict final", () => {
    const cause = ApplicationFailure.create({
      type: "connection_not_found",
      message: "nope",
      nonRetryable: true,
      details: [{ status: 404 }],
    });
    expect(toNodeFailure(activityFailure(cause))).toEqual({
      code: "connection_not_found",
      message: "nope",
      retryable: false,
    });
  });

  it("makes a timeout retryable: the edge may or may not have acted", () => {
    const cause = new TimeoutFailure("activity StartToClose timeout", undefined, 1 as never);
    expect(toNodeFailure(activityFailure(cause))).toMatchObject({ code: "activity_timeout", retryable: true });
  });

  it("leaves anything else to the caller (a cancellation is not a node failure)", () => {
    expect(toNodeFailure(new CancelledFailure("cancelled"))).toBeUndefined();
    expect(toNodeFailure(new Error("bug"))).toBeUndefined();
  });
});
