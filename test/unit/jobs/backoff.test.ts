import { describe, expect, it } from "vitest";
import { RETRY_MAX_DELAY_SECONDS, retryDelaySeconds } from "../../../src/jobs/backoff";

const middle = () => 0.5; // no jitter
describe("job retry backoff", () => {
  it.each([
    { attempts: 1, delay: 10 },
    { attempts: 2, delay: 20 },
    { attempts: 3, delay: 40 },
    { attempts: 5, delay: 160 },
    { attempts: 7, delay: 640 },
    { attempts: 8, delay: RETRY_MAX_DELAY_SECONDS },
    { attempts: 1000, delay: RETRY_MAX_DELAY_SECONDS },
    { attempts: 0, delay: 10 },
  ])("waits $delay s after attempt $attempts", ({ attempts, delay }) => {
    expect(retryDelaySeconds(attempts, { random: middle })).toBe(delay);
  });

  it("spreads retries by ±20% and never exceeds the cap", () => {
    expect(retryDelaySeconds(3, { random: () => 0 })).toBe(32);
    expect(retryDelaySeconds(3, { random: () => 0.999999 })).toBe(48);
    expect(retryDelaySeconds(20, { random: () => 0.999999 })).toBe(RETRY_MAX_DELAY_SECONDS);
    expect(retryDelaySeconds(1, { baseSeconds: 1, random: () => 0 })).toBe(1);
  });
});
