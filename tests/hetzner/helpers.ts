import * as path from "path";
import {
  buildHetznerCluster,
  hetznerCluster,
  type HetznerClusterArgs,
} from "../../components/hetzner";
import { loadStackConfig, type StackConfig } from "../../config";
import type { Registered } from "../../plan/mocks";
import { readStack } from "../../plan/stack";
import { record } from "../helpers/mocks";
import { stackConfig } from "../helpers/stacks";

export { stackConfig };

const ROOT = path.resolve(__dirname, "../..");

/**
 * Runs the layer of a shipped stack the way the program does: its stack file's config (secure
 * values replaced by the plan's placeholder) in the runtime, then `hetznerCluster`.
 */
export async function recordStack(
  stack: string,
): Promise<{ rs: Registered[]; config: StackConfig }> {
  const files = readStack(stack, ROOT);
  let config: StackConfig | undefined;
  const rs = await record(
    () => {
      config = loadStackConfig();
      hetznerCluster(config);
    },
    files.config,
    files.secretKeys,
  );
  return { rs, config: config! };
}

/** Runs `buildHetznerCluster` with test secrets and the given config. */
export function recordLayer(config: StackConfig, args: Partial<HetznerClusterArgs> = {}) {
  return record(() =>
    buildHetznerCluster({
      config,
      prefix: "platform-test",
      hcloudToken: "test-hcloud-token",
      kubeconfig: "apiVersion: v1\nkind: Config\n",
      ...args,
    }),
  );
}

export const SERVER = "hcloud:index/server:Server";
export const VOLUME = "hcloud:index/volume:Volume";
export const FIREWALL = "hcloud:index/firewall:Firewall";

/** True when a source admits every address of its family: the open internet. */
export const isInternet = (cidr: string) => /\/0$/.test(cidr.trim());
