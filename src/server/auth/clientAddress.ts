// Who the client is, as far as the network can tell. The address of the TCP peer is the client's unless
// that peer is a reverse proxy the operator declared in PASSERELLE_TRUSTED_PROXIES: only then is
// X-Forwarded-For read, right to left, up to the first address that is not a trusted proxy (Fastify's
// `trustProxy`, proxy-addr). Without the variable no header is believed: a client that sends its own
// X-Forwarded-For cannot choose the address the login throttle, the rate limits and the audit trail see.
//   PASSERELLE_TRUSTED_PROXIES=10.0.0.5,10.1.0.0/16   the proxies' addresses or networks (CIDR), or the
//                                                     names loopback, linklocal, uniquelocal;
//   PASSERELLE_TRUSTED_PROXIES=1                      a hop count: the last N addresses are proxies.
import { isIP } from "node:net";
import { normalizeIP } from "@fastify/rate-limit";

/** Fastify's trustProxy value: false (none), a hop count, or a list of addresses / networks. */
export type TrustedProxies = false | number | string[];

const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

function validEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split("/");
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** Parses PASSERELLE_TRUSTED_PROXIES; throws a message naming the variable and the bad entry. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const text = value?.trim() ?? "";
  if (text === "") return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > 10) throw new Error(`PASSERELLE_TRUSTED_PROXIES : nombre de proxys invalide (${text}), attendu 1 à 10.`);
    return hops;
  }
  const entries = text
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  const bad = entries.find((e) => !validEntry(e));
  if (bad !== undefined) {
    throw new Error(
      `PASSERELLE_TRUSTED_PROXIES : « ${bad} » n'est ni une adresse IP, ni un réseau CIDR, ni loopback/linklocal/uniquelocal.`,
    );
  }
  return entries;
}

/**
 * The network a throttle counts a client in: the IPv4 address itself, the /64 of an IPv6 address (one
 * subscriber usually holds a whole /64, and rotating addresses inside it must not reset the counters).
 */
export function clientNetwork(ip: string): string {
  return normalizeIP(ip, 64);
}

/** Fastify's `trustProxy` for a TrustedProxies value (a hop count: the first N hops from this server). */
export function trustProxyOption(trusted: TrustedProxies | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trusted === undefined || trusted === false) return false;
  if (typeof trusted === "number") return (_address, hop) => hop < trusted;
  return trusted;
}
