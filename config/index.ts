export * from "./schema";
export { PRESETS } from "./presets";
export {
  ConfigError,
  SECRET_KEYS,
  NAMESPACE,
  parseStackConfig,
  loadStackConfig,
  readRawConfig,
  applyPreset,
  deepMerge,
} from "./load";
