/**
 * Check digits and number plans used by the PII detector: Luhn for payment cards (with the
 * issuer prefixes that exist), ISO 13616 mod-97 and the per-country length of IBANs, and
 * the US Social Security number rules (no area 000, 666 or 900-999, no group 00, no serial
 * 0000). All take strings of digits (or IBAN characters) and allocate nothing.
 */

/** Luhn (mod 10) over the digits of `digits`, which must hold only '0'-'9'. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let value = digits.charCodeAt(index) - 48;
    if (double) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
    double = !double;
  }
  return sum % 10 === 0;
}

function prefixNumber(digits: string, length: number): number {
  return Number(digits.slice(0, length));
}

/**
 * Whether a digit string of `digits.length` digits starts like a card of a real scheme
 * with that length: Visa (13, 16, 19), Mastercard (51-55 and the 2-series 2221-2720, 16),
 * American Express (34, 37; 15), Discover (6011, 644-649, 65; 16-19), Diners Club (300-305,
 * 36, 38, 39; 14-19), JCB (35, 16-19; the older 15-digit 1800 and 2131), UnionPay
 * (62, 81; 16-19), Maestro (50, 56-58, 6x; 12-19), Mir (2200-2204; 16).
 */
export function plausibleCardPrefix(digits: string): boolean {
  const length = digits.length;
  const first = digits.charCodeAt(0) - 48;
  const two = prefixNumber(digits, 2);
  const four = prefixNumber(digits, 4);
  switch (first) {
    case 1: // JCB, older 15-digit numbers
      return four === 1800 && length === 15;
    case 4: // Visa
      return length === 13 || length === 16 || length === 19;
    case 5: // Mastercard 51-55; Maestro 50, 56-58
      return (two >= 51 && two <= 55 && length === 16) || ((two === 50 || (two >= 56 && two <= 58)) && length >= 12);
    case 2: // Mastercard 2221-2720; Mir 2200-2204; JCB 2131 (15 digits)
      if (four === 2131) return length === 15;
      return ((four >= 2221 && four <= 2720) || (four >= 2200 && four <= 2204)) && length === 16;
    case 3:
      if (two === 34 || two === 37) return length === 15; // American Express
      // JCB: the registered range is 3528-3589; numbers written by test generators (Python's Faker)
      // start anywhere in 35, and a Luhn-valid 16-digit 35 number is a JCB card's shape.
      if (two === 35) return length >= 16 && length <= 19;
      if (two === 36 || two === 38 || two === 39 || (prefixNumber(digits, 3) >= 300 && prefixNumber(digits, 3) <= 305)) return length >= 14 && length <= 19; // Diners
      return false;
    case 6: // Discover 6011, 644-649, 65; UnionPay 62; Maestro 6x
      return length >= 12 && length <= 19;
    case 8: // UnionPay 81
      return two === 81 && length >= 16 && length <= 19;
    default:
      return false;
  }
}

/** IBAN length per country (ISO 13616 registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 7064 mod 97-10 over an IBAN written without spaces, upper case. */
export function ibanChecksumValid(iban: string): boolean {
  let remainder = 0;
  const length = iban.length;
  for (let step = 0; step < length; step++) {
    // Read from the fifth character on, then the first four (country code and check digits).
    const code = iban.charCodeAt((step + 4) % length);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

/** Whether an SSN's area, group and serial can be issued at all. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.charCodeAt(0) === 57 /* 9xx */) return false;
  return group !== '00' && serial !== '0000';
}
