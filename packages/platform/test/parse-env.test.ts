import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { EnvError, lazyEnv, parseEnv } from '../src/env/index.ts';

const Schema = z.object({ TABLE_NAME: z.string().min(1), PORT: z.coerce.number().int().default(3000) });

describe('parseEnv', () => {
  it('parses and applies defaults', () => {
    expect(parseEnv(Schema, { TABLE_NAME: 'catalog' })).toEqual({ TABLE_NAME: 'catalog', PORT: 3000 });
  });

  it('names the missing variable', () => {
    expect(() => parseEnv(Schema, {})).toThrowError(/TABLE_NAME is missing/);
  });

  it('names every invalid variable', () => {
    try {
      parseEnv(Schema, { TABLE_NAME: '', PORT: 'eighty' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      expect((error as EnvError).variables).toEqual(['TABLE_NAME', 'PORT']);
    }
  });
});

describe('lazyEnv', () => {
  it('parses on the first call only and names what is missing then', () => {
    const read = lazyEnv(z.object({ SHOP_LAZY_ENV_TEST: z.string().min(1) }));
    expect(() => read()).toThrowError(/SHOP_LAZY_ENV_TEST is missing/);
    process.env.SHOP_LAZY_ENV_TEST = 'first';
    try {
      expect(read()).toEqual({ SHOP_LAZY_ENV_TEST: 'first' });
      process.env.SHOP_LAZY_ENV_TEST = 'second';
      expect(read()).toEqual({ SHOP_LAZY_ENV_TEST: 'first' });
    } finally {
      delete process.env.SHOP_LAZY_ENV_TEST;
    }
  });
});
