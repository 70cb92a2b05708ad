/** An inclusive port range. */
export interface PortRange {
  from: number;
  to: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

/** SSH's port, and 2222 where self-hosted deployment §2.1 moves it ("change port from default 22"). */
export const SSH_PORTS = [22, 2222] as const;

/** The only ports either document opens to anyone: HTTP and HTTPS. */
export const PUBLIC_WEB_PORTS = [80, 443] as const;

/** Data and admin ports the documents name, so a message says what an open range exposes. */
export const SERVICE_PORTS: Readonly<Record<number, string>> = {
  22: "SSH",
  2222: "SSH",
  2379: "etcd",
  2380: "etcd",
  3000: "Grafana",
  5044: "Logstash",
  5432: "Postgres",
  5601: "Kibana",
  6379: "Redis/Valkey",
  6432: "PgBouncer",
  6443: "Kubernetes API",
  9000: "MinIO API",
  9001: "MinIO console",
  9090: "Prometheus",
  9093: "Alertmanager",
  9100: "node exporter",
  9121: "Redis exporter",
  9187: "Postgres exporter",
  9200: "Elasticsearch",
  10250: "kubelet",
  26379: "Sentinel",
};

/**
 * Parses a port or range as the providers write it: 22, "22", "80-85", and "all"/"any"/"" for
 * every port (DigitalOcean and Hetzner spell "every port" differently).
 */
export function parsePortRange(value: string | number | undefined): PortRange | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return { from: value, to: value };
  const text = value.trim().toLowerCase();
  if (text === "" || text === "all" || text === "any") return ALL_PORTS;
  const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(text);
  if (!m) return undefined;
  return { from: Number(m[1]), to: Number(m[2] ?? m[1]) };
}

export function coversPort(range: PortRange, port: number): boolean {
  return range.from <= port && port <= range.to;
}

/** "80", "8000-9000" or "all ports", for messages. */
export function formatRange(range: PortRange): string {
  if (range.from <= 1 && range.to >= 65535) return "all ports";
  return range.from === range.to ? `port ${range.from}` : `ports ${range.from}-${range.to}`;
}

/** The named services a range exposes, e.g. ["Postgres 5432"]. */
export function exposedServices(range: PortRange): string[] {
  return Object.entries(SERVICE_PORTS)
    .filter(([port]) => coversPort(range, Number(port)))
    .map(([port, name]) => `${name} ${port}`);
}

/** True when the range is exactly 80 or exactly 443. */
export function isPublicWebRange(range: PortRange): boolean {
  return range.from === range.to && (PUBLIC_WEB_PORTS as readonly number[]).includes(range.from);
}
