import { describe, expect, it } from 'vitest';
import { isIdentifierOrProse } from '../src/detect/filters.js';
import { randomString, seeded } from './helpers/tokens.js';

describe('isIdentifierOrProse', () => {
  it('recognises names and sentences that shape rules meet in real code', () => {
    for (const value of [
      'BodyResponseCallback',
      'StringTargetingDimension',
      'addUnrecognizedPropertiesAsExtra',
      'MYSQL_CACHING_SHA2_PASSWORD',
      'x-aws-ec2-metadata-token-ttl-seconds',
      'EC2_TOKEN_HOP_LIMIT_CHECK',
      'X-Amz-S3session-Token',
      'Token imprevisto.',
      'IdentityPoolProviderType2',
      '-organization-client-credentials',
      'my_recaptchaV3Token',
      '分析器预期在此处找到与“{0}”标记匹配的“{1}”。',
      '@aws-cdk/aws-rds:preventRenderingDeprecatedCredentials',
    ]) {
      expect(isIdentifierOrProse(value), value).toBe(true);
    }
  });

  it('leaves machine-made secrets alone', () => {
    for (const value of [
      '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',
      '34cebc81c056a21bc66e212f947d73ec',
      'Vu!f23RFPTMkpKMow13',
      'ia1dFQ9O7HlisFG66vZsiSOBYlc6qdGBJsEJy57w',
      's4dlvaxiv4gx0zzlkdr660t3szpbgtbuc3op41jy',
      'alru08ixemew5lkq',
      'da2-nmaqhbb63zabjactesiydcfuvu',
      'yhTFulkELh3-jC6oudRX',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETSKEY',
      'abcdefabcdefabcdefabcdef',
      'Zq8!vR2#kLm9@wX4',
    ]) {
      expect(isIdentifierOrProse(value), value).toBe(false);
    }
  });

  it('judges fewer than 2% of random tokens to be names', () => {
    const random = seeded(7);
    const alphabets = [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      'abcdefghijklmnopqrstuvwxyz0123456789',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
    ];
    let names = 0;
    for (let i = 0; i < 6000; i++) {
      if (isIdentifierOrProse(randomString(random, 16 + (i % 30), alphabets[i % 3]))) names++;
    }
    expect(names / 6000).toBeLessThan(0.02);
  });
});
