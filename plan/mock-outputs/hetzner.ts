import { ipGatewayAddress, mockIp, type LayerMocks } from "../../components/kit/cloud-layer";

/** What Hetzner Cloud computes for the Hetzner layer's types that dependants read. */
export const HETZNER_MOCKS: LayerMocks = {
  outputs: (type, name) =>
    type === "hcloud:index/server:Server" ? { ipv4Address: mockIp(name) } : undefined,
  gatewayAddress: ipGatewayAddress,
};
