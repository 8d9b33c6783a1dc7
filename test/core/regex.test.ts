import { describe, expect, it } from 'vitest';
import { compileUserPattern, unicodeWordBoundaries } from '../../src/core/regex.js';

describe('user rule patterns', () => {
  it('\\b is a word boundary in every script, not only ASCII', () => {
    const rule = compileUserPattern('\\bübersetze\\b');
    expect(rule.test('Bitte übersetze das ins Englische')).toBe(true);
    expect(rule.test('Übersetze: guten Morgen')).toBe(true);
    expect(rule.test('die Übersetzerin')).toBe(false);
    expect(compileUserPattern('\\b翻訳\\b').test('これを 翻訳 して')).toBe(true);
    expect(compileUserPattern('\\bselect\\b[\\s\\S]*\\bfrom\\b').test('SELECT id FROM users')).toBe(true);
    expect(compileUserPattern('\\bselect\\b').test('preselected')).toBe(false);
  });

  it('\\B, character classes and escaped backslashes keep their meaning', () => {
    expect(compileUserPattern('\\Bport\\B').test('important')).toBe(true);
    expect(compileUserPattern('\\Bport\\B').test('port')).toBe(false);
    expect(unicodeWordBoundaries('[\\b]x')).toBe('[\\b]x');
    expect(compileUserPattern('a\\\\b').test('a\\b')).toBe(true);
    expect(compileUserPattern('a\\\\b').test('a b')).toBe(false);
  });

  it('a boundary next to a literal checks one side; elsewhere both', () => {
    expect(unicodeWordBoundaries('\\bport\\b')).toBe('(?<![\\p{L}\\p{N}_])port(?![\\p{L}\\p{N}_])');
    expect(compileUserPattern('\\bport\\b').test('the port.')).toBe(true);
    expect(compileUserPattern('\\bport\\b').test('important')).toBe(false);
    // An optional first character: the boundary cannot assume a word character follows.
    expect(compileUserPattern('x\\b-?1').test('x-1')).toBe(true);
    expect(compileUserPattern('\\b\\d+\\b').test('order 42 shipped')).toBe(true);
    expect(compileUserPattern('\\b\\d+\\b').test('order42')).toBe(false);
    expect(compileUserPattern('(?:cat|dog)\\b').test('dogs')).toBe(false);
    expect(compileUserPattern('(?:cat|dog)\\b').test('hot dog!')).toBe(true);
  });

  it('an invalid pattern still throws', () => {
    expect(() => compileUserPattern('(unclosed')).toThrow(SyntaxError);
  });
});
