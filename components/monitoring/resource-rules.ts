/** Alerting Strategy: CPU and memory > 80 % warn; disk use > 80 % warns, > 90 % pages on-call. */
import { rule, type PrometheusRule, type RuleContext } from "./prometheus-rule";

const REAL_FILESYSTEMS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs"';

/** Node CPU, memory and filesystems, and persistent volumes. */
export function resourceRules({ t, pct }: RuleContext): PrometheusRule[] {
  const usage = (avail: string, size: string) => `1 - ${avail} / ${size}`;
  const fsUsage = usage(
    `node_filesystem_avail_bytes{${REAL_FILESYSTEMS}}`,
    `node_filesystem_size_bytes{${REAL_FILESYSTEMS}}`,
  );
  const volumeUsage = usage(
    "kubelet_volume_stats_available_bytes",
    "kubelet_volume_stats_capacity_bytes",
  );

  const resources: PrometheusRule[] = [
    rule(
      "NodeCpuUsageHigh",
      "warning",
      ["nodeExporter"],
      `1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) > ${t.cpuUsageRatio}`,
      "15m",
      "Node {{ $labels.instance }} CPU is {{ $value | humanizePercentage }} busy",
      `CPU busy above ${pct(t.cpuUsageRatio)} for 15 minutes (node_exporter node_cpu_seconds_total). Tiers document: high CPU usage (> 80 %) is a warning.`,
    ),
    rule(
      "NodeMemoryUsageHigh",
      "warning",
      ["nodeExporter"],
      `1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes > ${t.memoryUsageRatio}`,
      "15m",
      "Node {{ $labels.instance }} memory is {{ $value | humanizePercentage }} used",
      `Memory in use above ${pct(t.memoryUsageRatio)} for 15 minutes (node_exporter MemAvailable / MemTotal). Tiers document: high memory usage (> 80 %) is a warning.`,
    ),
    rule(
      "DiskUsageHigh",
      "critical",
      ["nodeExporter"],
      `${fsUsage} > ${t.diskCriticalRatio}`,
      "5m",
      "{{ $labels.instance }} {{ $labels.mountpoint }} is {{ $value | humanizePercentage }} full",
      `Filesystem use above ${pct(t.diskCriticalRatio)} (node_exporter node_filesystem_avail_bytes / node_filesystem_size_bytes). Tiers document: disk usage > 90 % pages on-call.`,
    ),
    rule(
      "DiskUsageHigh",
      "warning",
      ["nodeExporter"],
      `${fsUsage} > ${t.diskWarningRatio}`,
      "15m",
      "{{ $labels.instance }} {{ $labels.mountpoint }} is {{ $value | humanizePercentage }} full",
      `Filesystem use above ${pct(t.diskWarningRatio)} (node_exporter node_filesystem_avail_bytes / node_filesystem_size_bytes). Tiers document: disk usage > 80 % is a warning.`,
    ),
    rule(
      "VolumeUsageHigh",
      "critical",
      ["kubelet"],
      `${volumeUsage} > ${t.diskCriticalRatio}`,
      "5m",
      "Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full",
      `Persistent volume use above ${pct(t.diskCriticalRatio)} (kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes). Tiers document: disk usage > 90 % pages on-call.`,
    ),
    rule(
      "VolumeUsageHigh",
      "warning",
      ["kubelet"],
      `${volumeUsage} > ${t.diskWarningRatio}`,
      "15m",
      "Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full",
      `Persistent volume use above ${pct(t.diskWarningRatio)} (kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes). Tiers document: disk usage > 80 % is a warning.`,
    ),
  ];
  return resources;
}
