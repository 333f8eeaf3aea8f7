/**
 * A self-signed serving certificate made in memory at start, as metrics-server
 * does when it is given no --tls-cert-file: the kube-apiserver reaches it
 * through an APIService with insecureSkipTLSVerify, so nobody needs to trust
 * it, but it must be a well-formed X.509 v3 certificate whose names match.
 * ECDSA P-256 with SHA-256: small, fast to make, accepted by Go and OpenSSL.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicit,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  time,
  tlv,
  unsignedInteger,
  utf8String,
} from './tls-der.js';

export interface SelfSignedOptions {
  readonly commonName: string;
  /** DNS names and IP addresses (v4 or v6) for subjectAltName; a client checks the host it dialled against these. */
  readonly altNames: readonly string[];
  readonly validityDays?: number;
  /** Make a CA (keyCertSign) instead of a serving/client leaf; tests use it to sign nothing else than itself. */
  readonly isCa?: boolean;
  readonly clock?: () => number;
}

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const ext = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
};
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

export function selfSignedCertificate(o: SelfSignedOptions): PemPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = (o.clock ?? Date.now)();
  // An hour back, so a peer whose clock runs a little behind does not see a certificate from the future.
  const notBefore = new Date(now - 3_600_000);
  const notAfter = new Date(now + (o.validityDays ?? 365) * 86_400_000);
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const name = sequence(set(sequence(oid(COMMON_NAME), utf8String(o.commonName))));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // RFC 5280: a positive serial of at most 20 octets

  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions(o))),
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA-Sig-Value, what X.509 wants
  const der = sequence(tbs, algorithm, bitString(signature));
  return { cert: toPem('CERTIFICATE', der), key: pkcs8(privateKey) };
}

function extensions(o: SelfSignedOptions): Buffer[] {
  const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
    sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
  const out = [
    extension(ext.basicConstraints, true, o.isCa ? sequence(boolean(true)) : sequence()),
    // digitalSignature (bit 0) for ECDHE handshakes; keyCertSign (bit 5) for a CA.
    extension(ext.keyUsage, true, o.isCa ? bitString(Buffer.from([0x84]), 2) : bitString(Buffer.from([0x80]), 7)),
  ];
  if (!o.isCa) out.push(extension(ext.extKeyUsage, false, sequence(oid(SERVER_AUTH), oid(CLIENT_AUTH))));
  if (o.altNames.length > 0) out.push(extension(ext.subjectAltName, false, sequence(...o.altNames.map(generalName))));
  return out;
}

/** dNSName is [2] IA5String; iPAddress is [7] OCTET STRING of 4 or 16 bytes. */
function generalName(n: string): Buffer {
  const family = isIP(n);
  if (family === 4) return implicit(7, Buffer.from(n.split('.').map(Number)));
  if (family === 6) return implicit(7, ipv6Bytes(n));
  return tlv(0x82, Buffer.from(n, 'ascii'));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, 2 * i));
  return out;
}

function toPem(label: string, der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

const pkcs8 = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
