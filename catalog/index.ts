// The catalog's public API: documented profiles, each cloud's types and prices, and the resolvers.
export * from "./types";
export * from "./profiles";
export * from "./resolve";
export * from "./capabilities";
export { HOURS_PER_MONTH } from "./aws";
export { PRICE_LEVELS, USD_PER_EUR } from "./hetzner";
export {
  CLOUDFLARE_HEALTH_CHECKS,
  CLOUDFLARE_PLAN_PRICES,
  CLOUDFLARE_SERVICES,
} from "./cloudflare";
