/** The port of an SMTP smarthost such as "smtp.example.com:587"; none when it names no valid port. */
export function smarthostPort(smarthost: string | undefined): number | undefined {
  const port = Number(/:(\d{1,5})$/.exec(smarthost ?? "")?.[1]);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}
