import { machineByName, SERVICES } from "../../catalog";
import { registered } from "../helpers/mocks";
import { priceStack } from "../../plan/cost";
import "../../plan/pricers";

const H = SERVICES.hetzner;

const fake = registered;

const price = (type: string, inputs: Record<string, any>) =>
  priceStack([fake(type, inputs)], "hetzner").monthlyUsd;
const SERVER = "hcloud:index/server:Server";

describe("Hetzner pricers", () => {
  it("price a server at its type plus its primary IPv4, and 20 % more with backups", () => {
    const cx33 = machineByName("hetzner", "cx33")!.monthlyUsd;
    expect(price(SERVER, { serverType: "cx33" })).toBeCloseTo(cx33 + H.primaryIpv4.monthlyUsd, 2);
    expect(price(SERVER, { serverType: "cx33", backups: true })).toBeCloseTo(
      1.2 * cx33 + H.primaryIpv4.monthlyUsd,
      2,
    );
  });

  it("leave out the IPv4 of an IPv6-only server or one using an existing primary IP", () => {
    const ccx43 = machineByName("hetzner", "ccx43")!.monthlyUsd;
    expect(
      price(SERVER, {
        serverType: "ccx43",
        publicNets: [{ ipv4Enabled: false, ipv6Enabled: true }],
      }),
    ).toBeCloseTo(ccx43, 2);
    expect(price(SERVER, { serverType: "ccx43", publicNets: [{ ipv4: 42 }] })).toBeCloseTo(
      ccx43,
      2,
    );
    expect(price("hcloud:index/primaryIp:PrimaryIp", { type: "ipv4" })).toBeCloseTo(
      H.primaryIpv4.monthlyUsd,
      2,
    );
    expect(price("hcloud:index/primaryIp:PrimaryIp", { type: "ipv6" })).toBe(0);
  });

  it("price an unknown server type at nothing and say so", () => {
    const cost = priceStack([fake(SERVER, { serverType: "cx99" })], "hetzner");
    expect(cost.monthlyUsd).toBe(0);
    expect(cost.lines[0].basis).toMatch(/not in the catalog/);
  });

  it("price volumes per GB", () => {
    expect(price("hcloud:index/volume:Volume", { size: 1640 })).toBeCloseTo(
      1640 * H.volume.perGbMonthUsd,
      2,
    );
  });

  it("price load balancers by type, the cloud controller's one through its record", () => {
    expect(
      price("hcloud:index/loadBalancer:LoadBalancer", { loadBalancerType: "lb21" }),
    ).toBeCloseTo(H.lb21.monthlyUsd, 2);
    expect(price("platform:hetzner:GatewayLoadBalancer", { type: "lb11" })).toBeCloseTo(
      H.lb11.monthlyUsd,
      2,
    );
    expect(price("platform:hetzner:GatewayLoadBalancer", { type: "lb31" })).toBeCloseTo(
      H.lb31.monthlyUsd,
      2,
    );
  });

  it("price Object Storage at its base fee up to the included terabyte, per GB beyond", () => {
    const os = "platform:hetzner:ObjectStorage";
    expect(price(os, { expectedGb: 1000 })).toBeCloseTo(H.objectStorage.monthlyUsd, 2);
    expect(price(os, { expectedGb: 3000 })).toBeCloseTo(
      H.objectStorage.monthlyUsd + 2000 * H.objectStorage.perGbMonthUsd,
      2,
    );
  });
});
