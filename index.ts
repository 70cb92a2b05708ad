import { loadStackConfig } from "./config";
import { cloudLayer } from "./components";
import { edgeLayer } from "./components/edge";
import { stackOutputs } from "./components/outputs";
import { Platform } from "./components/platform";

// Validate first: an invalid stack config stops here, before any resource is registered.
const config = loadStackConfig();
const cluster = cloudLayer(config);
const platform = new Platform("platform", { config, cluster });
const edge = edgeLayer(config, platform.gateway);
const outputs = stackOutputs(config, cluster, platform, edge);

export const provider = config.provider;
export const tier = config.tier;
export const apps = platform.apps.map((a) => a.serviceName);
// What a user needs after `pulumi up` (README, "After the first deploy"); secrets stay secrets.
export const {
  kubeconfig,
  kubeContext,
  kubeconfigCommand,
  kubeconfigCommands,
  gatewayAddress,
  gatewayAddressCommand,
  dnsRecords,
  grafana,
  grafanaAdminPassword,
  alertmanager,
  database,
  cache,
  alertReceivers,
  alertSources,
  databaseReadEndpoint,
  databaseReadReplicas,
  backupTargets,
  replication,
  replicationSecrets,
} = outputs;
