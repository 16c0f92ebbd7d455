import type { AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { toLambdaImage } from './stream-record.mapper.ts';

describe('toLambdaImage', () => {
  it('keeps empty maps and lists, which the SDK hands over as {} and []', () => {
    // What the SDK returns for an empty map is not a member of its own union type.
    const emptyMap = {} as AttributeValue;
    expect(toLambdaImage({ m: emptyMap, l: { L: [] }, s: { S: 'x' } })).toEqual({
      m: { M: {} },
      l: { L: [] },
      s: { S: 'x' },
    });
  });

  it('encodes binary values as base64, as the Lambda event does', () => {
    expect(toLambdaImage({ b: { B: new Uint8Array([1, 2, 3]) } })).toEqual({ b: { B: 'AQID' } });
  });
});
