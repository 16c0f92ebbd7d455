export { AuthEnv, EnvError, PlatformEnv, parseEnv } from './parse-env.ts';
