/** Maintenance windows of the cluster and the managed data services, kept apart. */

/** Cluster upgrades on Sunday 04:00 UTC: two hours after the 02:00 UTC daily backup has run. */
export const CLUSTER_MAINTENANCE = { day: "sunday", startTime: "04:00" } as const;
/** Managed databases on Saturday: never the same window as the cluster they serve. */
export const DATABASE_MAINTENANCE = { day: "saturday", hour: "04:00" } as const;
export const CACHE_MAINTENANCE = { day: "saturday", hour: "05:00" } as const;
