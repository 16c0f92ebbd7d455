import { describe, expect, it } from 'vitest';
import { fromLambdaResult } from './lambda-result.mapper.ts';

describe('fromLambdaResult', () => {
  it('decodes a base64 body and keeps headers and cookies', () => {
    const mapped = fromLambdaResult({
      statusCode: 201,
      headers: { 'Content-Type': 'image/png', 'X-Count': 3, 'Content-Length': '999' },
      multiValueHeaders: { 'x-ignored': ['a', 'b'] },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from([137, 80, 78, 71]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(mapped).toEqual({
      ok: true,
      response: {
        status: 201,
        headers: { 'content-type': 'image/png', 'x-count': '3' },
        cookies: ['a=1', 'b=2'],
        body: Buffer.from([137, 80, 78, 71]),
      },
    });
  });

  it('answers an empty body when the result has none', () => {
    const mapped = fromLambdaResult({ statusCode: 204 });
    expect(mapped.ok && mapped.response.body.length).toBe(0);
  });

  it.each([
    [{ hello: 'world' }, '{"hello":"world"}'],
    ['plain', '"plain"'],
    [null, 'null'],
    [[1, 2], '[1,2]'],
  ])('infers 200 application/json for %j without statusCode', (payload, body) => {
    const mapped = fromLambdaResult(payload);
    expect(mapped.ok && mapped.response.status).toBe(200);
    expect(mapped.ok && mapped.response.headers['content-type']).toBe('application/json');
    expect(mapped.ok && mapped.response.body.toString()).toBe(body);
  });

  it.each([
    { statusCode: '200' },
    { statusCode: 200.5 },
    { statusCode: 99 },
    { statusCode: 200, headers: 'x' },
    { statusCode: 200, headers: { a: ['1'] } },
    { statusCode: 200, cookies: 'a=1' },
    { statusCode: 200, body: { json: true } },
    { statusCode: 200, isBase64Encoded: 'yes' },
  ])('rejects the malformed result %j', (payload) => {
    expect(fromLambdaResult(payload).ok).toBe(false);
  });
});
