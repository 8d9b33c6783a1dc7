import { describe, expect, it } from 'vitest';
import { ibanChecksumValid, luhnValid, plausibleCardPrefix, ssnValid } from '../../src/guards/checksums.js';
import { isIpv6 } from '../../src/guards/ip-address.js';
import { PiiDetector } from '../../src/guards/pii.js';
import { luhnComplete } from './helpers.js';

const detector = new PiiDetector();

/** The values found in `text`, as "type:value". */
function found(text: string): string[] {
  return detector.scan(text).map((finding) => `${finding.type}:${text.slice(finding.start, finding.end)}`);
}

describe('checksums', () => {
  it('Luhn accepts test card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid(luhnComplete('453201511283036'))).toBe(true);
  });

  it('card prefixes must belong to a scheme with that length', () => {
    expect(plausibleCardPrefix('378282246310005')).toBe(true);
    expect(plausibleCardPrefix('4111111111111')).toBe(true);
    expect(plausibleCardPrefix('9111111111111111')).toBe(false);
    expect(plausibleCardPrefix('37828224631000')).toBe(false);
  });

  it('IBAN mod-97', () => {
    expect(ibanChecksumValid('DE89370400440532013000')).toBe(true);
    expect(ibanChecksumValid('DE88370400440532013000')).toBe(false);
    expect(ibanChecksumValid('GB82WEST12345698765432')).toBe(true);
  });

  it('SSN number rules', () => {
    expect(ssnValid('536', '22', '1234')).toBe(true);
    for (const [area, group, serial] of [['000', '12', '3456'], ['666', '12', '3456'], ['912', '12', '3456'], ['123', '00', '4567'], ['123', '45', '0000']]) {
      expect(ssnValid(area as string, group as string, serial as string)).toBe(false);
    }
  });

  it('IPv6 parsing', () => {
    for (const address of ['2001:db8::8a2e:370:7334', '::1', 'fe80::1', '2001:0db8:0000:0000:0000:ff00:0042:8329', '::ffff:192.0.2.1']) expect(isIpv6(address)).toBe(true);
    for (const text of ['12:30:45', '00:1A:2B:3C:4D:5E', '1::2::3', 'std::vector', '::']) expect(isIpv6(text)).toBe(false);
  });
});

describe('PII detector', () => {
  it('finds e-mail addresses, not handles, packages or files', () => {
    expect(found('Write to john.doe+tag@example.co.uk or <ops@mail.example.org>.')).toEqual(['email:john.doe+tag@example.co.uk', 'email:ops@mail.example.org']);
    expect(found('Ping @alice, install @types/node, see icon@2x.png, use user@localhost, clone git@github.com:org/repo.git')).toEqual([]);
  });

  it('finds phone numbers in international and national formats', () => {
    for (const phone of ['+44 20 7946 0958', '+1 (415) 555-2671', '+49 30 901820', '+14155552671', '+44 (0)20 7946 0958', '(415) 555-2671', '415-555-2671', '415.555.2671', '1-800-555-0199', '020 7946 0958', '06 12 34 56 78', '030 901820', '0049 30 901820', '0044 20 7946 0958']) {
      expect(found(`Call ${phone} today.`)).toEqual([`phone:${phone}`]);
    }
  });

  it('takes an unseparated national number for a phone only after a phone word', () => {
    expect(found('Please update my mobile number to 0683997157.')).toEqual(['phone:0683997157']);
    expect(found('Customer 0683997157 placed two orders.')).toEqual([]);
  });

  it('does not take dates, versions, order numbers, ZIP codes or plain digit runs for phones', () => {
    const negatives = ['The meeting is on 2023-10-12 at 10:00.', 'Due 12.10.2023.', 'Invoice #415-555-2671 is attached.', 'Order number 415-555-2671 was cancelled.', 'Ship to ZIP 02134-1234 or 94107.', 'Build 4155552671 failed.', 'ISBN 978-3-16-148410-0.', 'Update to version 2.14.0.11 now.', 'Population 8 336 817.'];
    for (const text of negatives) expect(found(text), text).toEqual([]);
  });

  it('finds Luhn-valid cards with plausible prefixes, grouped or not, and only those', () => {
    const visa = luhnComplete('411111111111111');
    expect(found(`Card ${visa.replace(/(\d{4})(?=\d)/g, '$1 ')}, exp 12/26.`)).toEqual([`credit_card:${visa.replace(/(\d{4})(?=\d)/g, '$1 ')}`]);
    expect(found('Amex 3782 822463 10005 and MC 5555-5555-5555-4444 and 6011111111111117.')).toEqual(['credit_card:3782 822463 10005', 'credit_card:5555-5555-5555-4444', 'credit_card:6011111111111117']);
    expect(found('Invalid: 4111 1111 1111 1112.')).toEqual([]);
    expect(found('Unknown scheme: 9111 1111 1111 1116.')).toEqual([]);
  });

  it('finds IBANs with a valid checksum and the country length, not mistyped ones', () => {
    expect(found('IBAN DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432.')).toEqual(['iban:DE89 3704 0044 0532 0130 00', 'iban:GB82WEST12345698765432']);
    expect(found('Wrong: DE89 3704 0044 0532 0130 01, too short: DE89 3704 0044 0532 0130.')).toEqual([]);
  });

  it('finds SSNs except numbers that are never issued', () => {
    expect(found('SSN 536-22-1234.')).toEqual(['us_ssn:536-22-1234']);
    expect(found('Samples 000-12-3456, 666-12-3456, 912-12-3456, 123-00-4567, 123-45-0000.')).toEqual([]);
    expect(found('Her social security number: 536 22 1234.')).toEqual(['us_ssn:536 22 1234']);
    expect(found('Tracking 536221234.')).toEqual([]);
    expect(found('My social security number is 536221234.')).toEqual(['us_ssn:536221234']);
  });

  it('does not take a 3-2-4 number labelled as another kind of number for an SSN', () => {
    for (const text of ['Order 512-15-4849 arrived damaged.', 'The score was 512-15-4849 in the bonus round.', 'Ticket #345-67-8901 was escalated.', 'Part no. 233-41-8870 fits.']) expect(found(text), text).toEqual([]);
    expect(found('Employee 158-85-3260 needs a new W-2.')).toEqual(['us_ssn:158-85-3260']);
    expect(found('Case file SSN 158-85-3260.')).toEqual(['us_ssn:158-85-3260']);
  });

  it('finds IP addresses but not version or section numbers', () => {
    expect(found('Block 192.168.1.10 and 2001:db8::8a2e:370:7334, or ::1.')).toEqual(['ip_address:192.168.1.10', 'ip_address:2001:db8::8a2e:370:7334', 'ip_address:::1']);
    const negatives = ['Use v1.2.3.4 please.', 'We run version 10.0.0.1-beta.', 'Upgrade from 1.2.3.4.5.', 'Octet out of range: 256.1.1.1.', 'See section 1.2.3.4.', 'At 12:30:45 the MAC 00:1A:2B:3C:4D:5E joined.', 'Leading zeros 01.02.03.04.'];
    for (const text of negatives) expect(found(text), text).toEqual([]);
  });

  it('reports UTF-16 offsets', () => {
    const text = '😀 mail: a@example.com';
    const [finding] = detector.scan(text);
    expect(text.slice(finding?.start, finding?.end)).toBe('a@example.com');
    expect(finding?.start).toBe(9);
  });

  it('can look for some types only', () => {
    const emailsOnly = new PiiDetector({ types: ['email'] });
    expect(emailsOnly.scan('a@example.com, +44 20 7946 0958').map((finding) => finding.type)).toEqual(['email']);
  });

  it('scans pathological inputs (long runs of digits, separators, @ and colons)', () => {
    for (const text of ['1 '.repeat(4000), '1-'.repeat(4000), 'a@'.repeat(4000), 'a:'.repeat(4000), '1.'.repeat(4000), `${'9'.repeat(8000)}`]) {
      expect(Array.isArray(detector.scan(text))).toBe(true);
    }
  });
});
