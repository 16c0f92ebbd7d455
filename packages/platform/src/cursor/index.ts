export { type CursorCodec, type CursorCodecOptions, createCursorCodec } from './cursor.codec.ts';
