import { actorFromHeader, DEFAULT_ACTOR } from '../../src/api/actor';

describe('the X-Actor header', () => {
  it('defaults to the unsigned actor when absent or blank', () => {
    expect(actorFromHeader(undefined)).toBe(DEFAULT_ACTOR);
    expect(actorFromHeader('   ')).toBe(DEFAULT_ACTOR);
  });

  it('decodes URL-encoded names and raw UTF-8 bytes read as Latin-1', () => {
    expect(actorFromHeader(encodeURIComponent('张老师'))).toBe('张老师');
    expect(actorFromHeader(Buffer.from('故陵小学-班主任', 'utf8').toString('latin1'))).toBe('故陵小学-班主任');
    expect(actorFromHeader('teacher-zhang')).toBe('teacher-zhang');
  });

  it('refuses undecodable, control-character and over-long values', () => {
    expect(() => actorFromHeader('%E5%BC')).toThrow(/X-Actor/);
    expect(() => actorFromHeader(encodeURIComponent('a\nb'))).toThrow(/control characters/);
    expect(() => actorFromHeader('张'.repeat(101))).toThrow(/at most 100/);
    expect(actorFromHeader('张'.repeat(100))).toHaveLength(100);
  });
});
