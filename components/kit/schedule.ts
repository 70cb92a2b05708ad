/**
 * Schedules a cloud layer hands to provider APIs that take one time of day (RDS backup windows,
 * AWS Backup plans, DigitalOcean's database backup hour). The config gate reads the same function.
 */
export { fixedDailyTime as dailyTime } from "../../config/cron";
