/** IKEv2 numbers (RFC 7296 §3 and the IANA IKEv2 registries) used by the builder, parser and records. */

export const EXCHANGE_IKE_SA_INIT = 34;
export const FLAG_INITIATOR = 0x08;
export const FLAG_RESPONSE = 0x20;
export const IKE_VERSION = 0x20;
export const IKE_HEADER_LEN = 28;
/** RFC 3948: IKE on UDP 4500 is prefixed by four zero bytes (the non-ESP marker). */
export const NON_ESP_MARKER = Buffer.alloc(4);
export const NAT_T_PORT = 4500;

export const PAYLOAD = {
  NONE: 0,
  SA: 33,
  KE: 34,
  NONCE: 40,
  NOTIFY: 41,
  VENDOR_ID: 43,
} as const;

export const PAYLOAD_NAMES: Record<number, string> = {
  33: 'SA',
  34: 'KE',
  35: 'IDi',
  36: 'IDr',
  37: 'CERT',
  38: 'CERTREQ',
  39: 'AUTH',
  40: 'Nonce',
  41: 'Notify',
  42: 'Delete',
  43: 'VendorID',
  44: 'TSi',
  45: 'TSr',
  46: 'SK',
  47: 'CP',
  48: 'EAP',
  53: 'SKF',
};

export const NOTIFY = {
  INVALID_SYNTAX: 7,
  NO_PROPOSAL_CHOSEN: 14,
  INVALID_KE_PAYLOAD: 17,
  NAT_DETECTION_SOURCE_IP: 16388,
  NAT_DETECTION_DESTINATION_IP: 16389,
  COOKIE: 16390,
} as const;

export const NOTIFY_NAMES: Record<number, string> = {
  1: 'UNSUPPORTED_CRITICAL_PAYLOAD',
  4: 'INVALID_IKE_SPI',
  5: 'INVALID_MAJOR_VERSION',
  7: 'INVALID_SYNTAX',
  9: 'INVALID_MESSAGE_ID',
  11: 'INVALID_SPI',
  14: 'NO_PROPOSAL_CHOSEN',
  17: 'INVALID_KE_PAYLOAD',
  24: 'AUTHENTICATION_FAILED',
  43: 'TEMPORARY_FAILURE',
  16388: 'NAT_DETECTION_SOURCE_IP',
  16389: 'NAT_DETECTION_DESTINATION_IP',
  16390: 'COOKIE',
  16404: 'MULTIPLE_AUTH_SUPPORTED',
  16406: 'REDIRECT_SUPPORTED',
  16407: 'REDIRECT',
  16418: 'CHILDLESS_IKEV2_SUPPORTED',
  16430: 'IKEV2_FRAGMENTATION_SUPPORTED',
  16431: 'SIGNATURE_HASH_ALGORITHMS',
  16441: 'USE_PPK',
  16442: 'INTERMEDIATE_EXCHANGE_SUPPORTED',
};

/** Transform types and the ids we offer or may see chosen. */
export const TRANSFORM_TYPES: Record<number, string> = { 1: 'ENCR', 2: 'PRF', 3: 'INTEG', 4: 'DH', 5: 'ESN' };
export const TRANSFORM_IDS: Record<number, Record<number, string>> = {
  1: { 3: '3DES', 12: 'AES_CBC', 13: 'AES_CTR', 20: 'AES_GCM_16', 28: 'CHACHA20_POLY1305' },
  2: { 2: 'PRF_HMAC_SHA1', 5: 'PRF_HMAC_SHA2_256', 6: 'PRF_HMAC_SHA2_384', 7: 'PRF_HMAC_SHA2_512' },
  3: {
    2: 'AUTH_HMAC_SHA1_96',
    12: 'AUTH_HMAC_SHA2_256_128',
    13: 'AUTH_HMAC_SHA2_384_192',
    14: 'AUTH_HMAC_SHA2_512_256',
  },
  4: { 2: 'MODP_1024', 14: 'MODP_2048', 15: 'MODP_3072', 19: 'ECP_256', 20: 'ECP_384', 31: 'CURVE25519' },
};
export const ATTR_KEY_LENGTH = 14;

export function payloadName(type: number): string {
  return PAYLOAD_NAMES[type] ?? `payload_${type}`;
}

export function notifyName(type: number): string {
  return NOTIFY_NAMES[type] ?? (type < 16384 ? `ERROR_${type}` : `STATUS_${type}`);
}

export function transformName(type: number, id: number): string {
  return `${TRANSFORM_TYPES[type] ?? `T${type}`}:${TRANSFORM_IDS[type]?.[id] ?? id}`;
}
