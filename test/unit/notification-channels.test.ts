/**
 * The SMS adapter's request signing against Aliyun's own worked examples (signature version 1.0:
 * the RPC signature page's DescribeRegions request, and the SMS HTTP page's SendSms request), and
 * the shape of what it sends.
 */
import { canonicalQuery, percentEncode, signRpc, templateParam } from '../../src/notifications/aliyun-sms-channel';

describe('Aliyun RPC signature (version 1.0, HMAC-SHA1)', () => {
  it('gives the signature of the RPC signature page’s DescribeRegions example (testid / testsecret)', () => {
    const params = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    expect(signRpc('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('gives the signature of the SMS page’s SendSms example, Chinese sign name and JSON TemplateParam included (testId / testSecret)', () => {
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(canonicalQuery(params)).toBe(
      'AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou' +
        '&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1' +
        '&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007' +
        '&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25',
    );
    expect(signRpc('GET', params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('leaves a Signature parameter out of what it signs, and signs POST differently from GET', () => {
    const params = { Action: 'SendSms', AccessKeyId: 'k' };
    expect(signRpc('POST', { ...params, Signature: 'x' }, 's')).toBe(signRpc('POST', params, 's'));
    expect(signRpc('POST', params, 's')).not.toBe(signRpc('GET', params, 's'));
  });

  it('percent-encodes as RFC 3986: space %20, * %2A, ! \' ( ) encoded, ~ kept', () => {
    expect(percentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
    expect(percentEncode('2016-02-23T12:46:24Z')).toBe('2016-02-23T12%3A46%3A24Z');
    expect(percentEncode('保')).toBe('%E4%BF%9D');
  });
});

describe('the SMS template variables', () => {
  it('are the Chinese title and body, each cut to 35 characters (the template variable limit)', () => {
    const long = '案'.repeat(50);
    const param = JSON.parse(templateParam({ zh: '【逾期】批评教育', en: 'Overdue' }, { zh: long, en: 'x' }));
    expect(param.title).toBe('【逾期】批评教育');
    expect(Array.from(param.content as string)).toHaveLength(35);
    expect(param.content.endsWith('…')).toBe(true);
  });
});
