import { describe, expect, it } from 'vitest';
import { emailTerms, foldText, parseSearchQuery, textTerms } from './search.js';

describe('foldText', () => {
  it('folds accents, case, ß and non-ASCII digits', () => {
    expect(foldText('Jürgen WEISS Weiß Nguyễn Ó')).toBe('jurgen weiss weiss nguyen o');
    expect(foldText('٤٧١١')).toBe('4711');
  });
});

describe('textTerms', () => {
  it('splits words and CJK runs into characters and bigrams', () => {
    expect(textTerms('Hallo, Köln!')).toEqual(['hallo', 'koln']);
    expect(textTerms('田中 愛子')).toEqual(['田', '田中', '中', '愛', '愛子', '子']);
  });
  it('is bounded', () => {
    expect(textTerms(Array.from({ length: 500 }, (_, i) => `w${i}`).join(' ')).length).toBe(60);
  });
});

describe('parseSearchQuery', () => {
  it('recognises phone numbers in common written forms', () => {
    expect(parseSearchQuery('+49 151 1234-5678')).toEqual({
      kind: 'phone',
      digits: '4915112345678',
    });
    expect(parseSearchQuery('0049 (151) 12345678')).toEqual({
      kind: 'phone',
      digits: '4915112345678',
    });
    expect(parseSearchQuery('0151 12345678')).toEqual({ kind: 'phone', digits: '015112345678' });
  });
  it('turns words into folded terms and CJK into bigrams', () => {
    expect(parseSearchQuery('Acme  CORP')).toEqual({ kind: 'words', terms: ['acme', 'corp'] });
    expect(parseSearchQuery('营业时间')).toEqual({
      kind: 'words',
      terms: ['营业', '业时', '时间'],
    });
    expect(parseSearchQuery('  ')).toEqual({ kind: 'empty' });
    expect(parseSearchQuery('ana@acme.com')).toEqual({ kind: 'words', terms: ['ana@acme.com'] });
  });
  it('indexes an email whole and by parts', () => {
    expect(emailTerms('Ana@Acme.com')).toEqual(['ana@acme.com', 'ana', 'acme', 'com']);
  });
});
