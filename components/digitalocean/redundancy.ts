/** Spare capacity per stack: load balancer units and Postgres HA standbys. */
import { environmentOf, type StackConfig } from "../../config";

/**
 * The gateway's load balancer size: one unit for staging, two in production so that one unit's
 * maintenance or failure leaves capacity (DigitalOcean spreads units across hardware).
 */
export function gatewaySizeUnits(config: StackConfig): number {
  return environmentOf(config.tier) === "production" ? 2 : 1;
}

/**
 * HA standby nodes of the managed Postgres: one in production (the tiers document's automatic
 * failover, self-hosted §1.2's primary + replica) or wherever multiAz asks for one; none elsewhere.
 */
export function databaseStandbys(config: StackConfig): number {
  return environmentOf(config.tier) === "production" || config.database.multiAz ? 1 : 0;
}
