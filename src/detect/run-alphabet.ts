/**
 * What an encoded run is made of: base64, base64url and hex characters. The decoders
 * (formats/decoders.ts) decode runs of at least MIN_RUN of them; the keyword byte pass
 * (keyword-scan.ts) finds those runs in ASCII text while it has the bytes at hand.
 */
export const RUN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-';
export const MIN_RUN = 20;
