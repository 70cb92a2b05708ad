import { loadStackConfig } from "./config";
import { cloudLayer } from "./components";
import { Platform } from "./components/platform";

// Validate first: an invalid stack config stops here, before any resource is registered.
const config = loadStackConfig();
const cluster = cloudLayer(config);
const platform = new Platform("platform", { config, cluster });

export const provider = config.provider;
export const tier = config.tier;
export const apps = platform.apps.map((a) => a.serviceName);
