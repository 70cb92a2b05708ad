import fc from "fast-check";
import { physicalName } from "../../components/kit/naming";
import { smarthostPort } from "../../components/kit/smarthost";
import { dailyTime } from "../../components/kit/schedule";

describe("physicalName", () => {
  it("keeps the names every cloud layer gave before the kit", () => {
    expect(physicalName(["My_Project", "Production--EU"], 40)).toBe("my-project-production-eu");
    const long = ["platform", "a-very-long-stack-name-that-keeps-going-and-going-on"];
    // AWS and DigitalOcean end a cut name with 8 hex digits of its hash, Hetzner with 6.
    expect(physicalName(long, 40)).toBe("platform-a-very-long-stack-name-a0e4cf0c");
    expect(physicalName(long, 40, 6)).toBe("platform-a-very-long-stack-name-t-a0e4cf");
  });

  it("is lowercase a-z, 0-9 and single dashes within the limit, distinct when cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 60 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 20, max: 63 }),
        (parts, max) => {
          const name = physicalName(parts, max);
          expect(name.length).toBeLessThanOrEqual(max);
          expect(name).toMatch(/^([a-z0-9]+(-[a-z0-9]+)*)?$/);
        },
      ),
    );
    const long = "a".repeat(60);
    expect(physicalName([long, "x"], 40)).not.toBe(physicalName([long, "y"], 40));
    const longer = "x".repeat(80);
    expect(physicalName([longer, "a"], 63)).not.toBe(physicalName([longer, "b"], 63));
  });
});

describe("smarthostPort", () => {
  it("is the port a smarthost names, and only a valid one", () => {
    expect(smarthostPort("smtp.example.com:587")).toBe(587);
    expect(smarthostPort("smtp.example.com")).toBeUndefined();
    expect(smarthostPort("smtp.example.com:0")).toBeUndefined();
    expect(smarthostPort("smtp.example.com:70000")).toBeUndefined();
    expect(smarthostPort(undefined)).toBeUndefined();
  });
});

describe("dailyTime", () => {
  it("is the hour and minute of a schedule that runs once a day at one time", () => {
    expect(dailyTime("0 2 * * *")).toEqual({ hour: 2, minute: 0 });
    expect(dailyTime(" 45 23 * * ? ")).toEqual({ hour: 23, minute: 45 });
    for (const other of ["30 3 * * 0", "0 */6 * * *", "0 24 * * *", "60 1 * * *", "0 2 * *"])
      expect(dailyTime(other)).toBeUndefined();
  });
});
