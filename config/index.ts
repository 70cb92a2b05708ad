export * from "./schema";
export { PRESETS } from "./presets";
export {
  ConfigError,
  SECRET_KEYS,
  NAMESPACE,
  parseStackConfig,
  checkStackConfig,
  loadStackConfig,
  readRawConfig,
  runtimeSource,
  applyPreset,
  deepMerge,
  type ConfigSource,
} from "./load";
export { PROVIDER_SECRET_KEYS, SECRET_CAPABLE_KEYS, requiredSecrets } from "./secrets";
export { PLATFORM_NAMESPACES, PLATFORM_ENV, MAX_LISTENERS } from "./names";
export { CROSS_REGION_BACKUP_TIERS, MAX_CACHE_REPLICAS, CACHE_MAX_NODES } from "./providers";
export { cacheNodeCount } from "./data-schema";
export { cronProblem, fixedDailyTime } from "./cron";
export { pagerOf, receiverProblems } from "./receivers";
