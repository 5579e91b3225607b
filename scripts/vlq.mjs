// @ts-check
/** Base64 VLQ, the number encoding of source map `mappings`. */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The numbers of one mappings segment.
 * @param {string} segment
 * @returns {number[]}
 */
export function decodeVlq(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >> 1) : value >> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/**
 * @param {number} number
 * @returns {string}
 */
export function encodeVlq(number) {
  let value = number < 0 ? (-number << 1) | 1 : number << 1;
  let text = '';
  do {
    const digit = value & 31;
    value >>>= 5;
    text += BASE64[value > 0 ? digit | 32 : digit];
  } while (value > 0);
  return text;
}
